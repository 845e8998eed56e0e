package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.gantry.scheduler.SchedulerProperties;
import dev.gantry.worker.WorkerProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * helm/gantry through Helm itself (helm-java runs Helm's Go library in this JVM): {@code helm lint
 * --strict} and {@code helm template} on the defaults and on each values file in {@code ci/}, and
 * assertions on the rendered manifests.
 */
class HelmChartTest {

    static final Path CHART = DockerfileTest.ROOT.resolve("helm/gantry");
    /** A cluster version inside the chart's kubeVersion (Helm's offline default, 1.20, is older). */
    static final String KUBE = "1.30.0";

    /** One rendered manifest: its kind, name and body. */
    record Manifest(String kind, String name, Map<String, Object> body) {}

    static List<Manifest> render(UnaryOperator<TemplateCommand> options) {
        String out = renderText(options);
        List<Manifest> manifests = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> body = (Map<String, Object>) map;
                manifests.add(new Manifest((String) body.get("kind"), (String) at(body, "metadata", "name"), body));
            }
        }
        return manifests;
    }

    static List<Manifest> render(String valuesFile) {
        return render(t -> t.withValuesFile(CHART.resolve("ci").resolve(valuesFile)));
    }

    static String renderText(UnaryOperator<TemplateCommand> options) {
        return options.apply(new Helm(CHART)
                        .template()
                        .withName("gantry")
                        .withNamespace("ml")
                        .withKubeVersion(KUBE))
                .call();
    }

    @SuppressWarnings("unchecked")
    static Object at(Object node, Object... path) {
        Object at = node;
        for (Object key : path) {
            if (at == null) {
                return null;
            }
            at = key instanceof Integer i ? ((List<Object>) at).get(i) : ((Map<String, Object>) at).get(key);
        }
        return at;
    }

    static Manifest one(List<Manifest> manifests, String kind, String name) {
        List<Manifest> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Manifest deployment) {
        return (Map<String, Object>) at(deployment.body(), "spec", "template", "spec", "containers", 0);
    }

    /** The container's env as name → value, or name → "secret:<secret>/<key>" for a secret reference. */
    @SuppressWarnings("unchecked")
    static Map<String, String> env(Manifest deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e :
                (List<Map<String, Object>>) container(deployment).get("env")) {
            Object ref = at(e, "valueFrom", "secretKeyRef");
            env.put(
                    (String) e.get("name"),
                    ref == null ? String.valueOf(e.get("value")) : "secret:" + at(ref, "name") + "/" + at(ref, "key"));
        }
        return env;
    }

    @Test
    void helm_lint_strict_passes_on_the_defaults() {
        LintResult result = new Helm(CHART).lint().strict().call();
        System.out.println("helm lint --strict (defaults): " + summary(result));
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpu-values.yaml", "keda-values.yaml", "external-secret-values.yaml"})
    void helm_lint_strict_passes_with_each_values_file(String valuesFile, @TempDir Path copy) throws IOException {
        // helm-java's lint takes no values file: lint a copy of the chart whose values.yaml is the
        // defaults merged with the file, as Helm merges them.
        copyTree(CHART, copy);
        Yaml yaml = new Yaml();
        Map<String, Object> merged = yaml.load(Files.readString(CHART.resolve("values.yaml")));
        deepMerge(merged, yaml.load(Files.readString(CHART.resolve("ci").resolve(valuesFile))));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(merged));

        LintResult result = new Helm(copy).lint().strict().call();
        System.out.println("helm lint --strict (" + valuesFile + "): " + summary(result));
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void the_defaults_render_a_server_and_cpu_workers_with_shared_settings_and_secret_references() {
        List<Manifest> manifests = render(t -> t);
        System.out.println("helm template (defaults): " + kinds(manifests));
        assertThat(manifests)
                .extracting(Manifest::kind)
                .containsExactlyInAnyOrder(
                        "ConfigMap", "Secret", "Service", "Deployment", "Deployment", "PodDisruptionBudget");

        Manifest server = one(manifests, "Deployment", "gantry-server");
        Map<String, Object> c = container(server);
        assertThat(at(c, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((int) at(c, "startupProbe", "failureThreshold") * (int) at(c, "startupProbe", "periodSeconds"))
                .as("start-up budget in seconds")
                .isEqualTo(150);
        assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(c, "resources", "limits", "memory")).isEqualTo("3Gi");
        assertThat(env(server))
                .containsEntry("GANTRY_ROLE", "server")
                .containsEntry("GANTRY_WORKER_LOCALCOUNT", "0")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:gantry/database-password")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "secret:gantry/s3-secret-access-key");
        assertThat(at(server.body(), "spec", "template", "metadata", "annotations", "prometheus.io/path"))
                .isEqualTo("/actuator/prometheus");
        // The API port needs an owner key for Prometheus; the chart scrapes and probes the
        // management port, which needs none and which the Service does not expose.
        assertThat(at(server.body(), "spec", "template", "metadata", "annotations", "prometheus.io/port"))
                .isEqualTo("9090");
        assertThat(env(server)).containsEntry("MANAGEMENT_SERVER_PORT", "9090");
        assertThat(env(server)).containsEntry("GANTRY_BOOTSTRAP_KEY", "secret:gantry/bootstrap-key");
        assertThat(at(c, "livenessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat(at(c, "readinessProbe", "httpGet", "port")).isEqualTo("management");

        Manifest worker = one(manifests, "Deployment", "gantry-worker");
        assertThat(at(worker.body(), "spec", "replicas")).isEqualTo(2);
        assertThat(env(worker))
                .containsEntry("GANTRY_ROLE", "worker")
                .containsEntry("GANTRY_WORKER_DEVICE", "cpu")
                .containsEntry("SPRING_FLYWAY_ENABLED", "false")
                .containsEntry("SPRING_MAIN_WEBAPPLICATIONTYPE", "none")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:gantry/database-password");
        assertThat(env(worker)).containsAllEntriesOf(LocalTorch.environment(1));
        assertThat(env(worker).get("JAVA_TOOL_OPTIONS").split(" "))
                .containsExactlyInAnyOrderElementsOf(LocalTorch.jvmOptionsBesideTheImages(1));
        assertThat(container(worker)).doesNotContainKeys("livenessProbe", "readinessProbe");
        assertThat((Map<String, Object>) at(container(worker), "resources", "limits"))
                .doesNotContainKey("nvidia.com/gpu");
        // Both read the settings they must agree on from the one ConfigMap.
        for (Manifest d : List.of(server, worker)) {
            assertThat(at(container(d), "envFrom", 0, "configMapRef", "name")).isEqualTo("gantry");
        }
        Map<String, Object> config = (Map<String, Object>)
                one(manifests, "ConfigMap", "gantry").body().get("data");
        assertThat(config)
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/gantry?sslmode=prefer")
                .containsEntry("GANTRY_STORAGE_S3_BUCKET", "gantry")
                .containsEntry("GANTRY_SCHEDULER_LEASEDURATION", "30s")
                .containsEntry("GANTRY_WORKER_DRAINTIMEOUT", "30s");
        int grace = (int) at(worker.body(), "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertThat(grace).as("longer than the 30-s drain").isGreaterThan(30);
        Manifest pdb = one(manifests, "PodDisruptionBudget", "gantry-server");
        assertThat((Map<String, Object>) pdb.body().get("spec"))
                .containsEntry("maxUnavailable", 1)
                .doesNotContainKey("minAvailable");
    }

    @Test
    void gpu_values_give_each_worker_one_nvidia_gpu_on_gpu_nodes_with_the_cuda_image() {
        List<Manifest> manifests = render("gpu-values.yaml");
        System.out.println("helm template (gpu-values.yaml): " + kinds(manifests));
        Manifest worker = one(manifests, "Deployment", "gantry-worker");
        Map<String, Object> c = container(worker);
        assertThat(at(c, "resources", "limits", "nvidia.com/gpu")).isEqualTo(1);
        assertThat(at(c, "resources", "limits", "memory")).isEqualTo("4Gi");
        assertThat(c.get("image")).isEqualTo("gantry:cuda");
        assertThat(env(worker)).containsEntry("GANTRY_WORKER_DEVICE", "gpu");
        assertThat(at(worker.body(), "spec", "replicas")).isEqualTo(4);
        assertThat(at(worker.body(), "spec", "template", "spec", "nodeSelector", "nvidia.com/gpu.present"))
                .isEqualTo("true");
        assertThat((List<Map<String, Object>>) at(worker.body(), "spec", "template", "spec", "tolerations"))
                .anySatisfy(t -> assertThat(t).containsEntry("key", "nvidia.com/gpu"));
        // The server never needs a GPU.
        assertThat((Map<String, Object>)
                        at(container(one(manifests, "Deployment", "gantry-server")), "resources", "limits"))
                .doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void keda_values_scale_the_workers_on_jobs_queued_or_running_with_the_postgres_scaler() {
        List<Manifest> manifests = render("keda-values.yaml");
        System.out.println("helm template (keda-values.yaml): " + kinds(manifests));
        Manifest scaled = one(manifests, "ScaledObject", "gantry-worker");
        assertThat(at(scaled.body(), "spec", "scaleTargetRef", "name")).isEqualTo("gantry-worker");
        assertThat(at(scaled.body(), "spec", "maxReplicaCount")).isEqualTo(16);
        assertThat(at(scaled.body(), "spec", "minReplicaCount")).isEqualTo(0);
        Map<String, Object> trigger = (Map<String, Object>) at(scaled.body(), "spec", "triggers", 0);
        assertThat(trigger.get("type")).isEqualTo("postgresql");
        assertThat((String) at(trigger, "metadata", "query"))
                .contains("FROM jobs", "'RUNNING'", "'QUEUED'", "NOT requires_gpu");
        assertThat(at(trigger, "metadata", "targetQueryValue")).isEqualTo("1");
        assertThat(at(trigger, "metadata", "host")).isEqualTo("postgres");
        assertThat(at(trigger, "authenticationRef", "name")).isEqualTo("gantry-postgres");
        Manifest auth = one(manifests, "TriggerAuthentication", "gantry-postgres");
        assertThat(at(auth.body(), "spec", "secretTargetRef", 0))
                .isEqualTo(Map.of("parameter", "password", "name", "gantry", "key", "database-password"));
        // KEDA owns the replica count.
        assertThat((Map<String, Object>)
                        one(manifests, "Deployment", "gantry-worker").body().get("spec"))
                .doesNotContainKey("replicas");
    }

    @Test
    void the_query_of_gpu_workers_counts_every_job_since_they_take_all() {
        Manifest scaled = one(
                render(t ->
                        t.withValuesFile(CHART.resolve("ci/keda-values.yaml")).set("gpu.enabled", true)),
                "ScaledObject",
                "gantry-worker");
        assertThat((String) at(scaled.body(), "spec", "triggers", 0, "metadata", "query"))
                .doesNotContain("requires_gpu")
                .contains("'QUEUED', 'RUNNING', 'CANCELLING'");
    }

    @Test
    void an_existing_secret_replaces_the_charts_and_a_pdb_of_min_available_zero_is_kept() {
        List<Manifest> manifests = render("external-secret-values.yaml");
        System.out.println("helm template (external-secret-values.yaml): " + kinds(manifests));
        assertThat(manifests)
                .extracting(Manifest::kind)
                .doesNotContain("Secret")
                .contains("Ingress");
        for (String deployment : List.of("gantry-server", "gantry-worker")) {
            assertThat(env(one(manifests, "Deployment", deployment)))
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:gantry-credentials/database-password")
                    .containsEntry("AWS_ACCESS_KEY_ID", "secret:gantry-credentials/s3-access-key-id");
        }
        Manifest ingress = one(manifests, "Ingress", "gantry");
        assertThat(at(ingress.body(), "spec", "rules", 0, "host")).isEqualTo("gantry.internal");
        assertThat(at(ingress.body(), "spec", "tls", 0, "secretName")).isEqualTo("gantry-tls");
        Map<String, Object> config = (Map<String, Object>)
                one(manifests, "ConfigMap", "gantry").body().get("data");
        assertThat(config)
                .containsEntry("GANTRY_STORAGE_S3_ENDPOINT", "http://minio.storage:9000")
                .containsEntry("GANTRY_STORAGE_S3_PATHSTYLE", "true");
        // The classic pitfall: `if .Values.minAvailable` drops a 0.
        assertThat((Map<String, Object>) one(manifests, "PodDisruptionBudget", "gantry-server")
                        .body()
                        .get("spec"))
                .containsEntry("minAvailable", 0)
                .doesNotContainKey("maxUnavailable");
    }

    @Test
    void no_secret_appears_in_plain_text_anywhere_in_the_manifests() {
        String password = "db-Pa55word-7f3e";
        String keyId = "AKIAEXAMPLE7F3E";
        String secretKey = "s3-secret-key-7f3e";
        UnaryOperator<TemplateCommand> withSecrets = t -> t.withValuesFile(CHART.resolve("ci/keda-values.yaml"))
                .set("database.password", password)
                .set("storage.s3.accessKeyId", keyId)
                .set("storage.s3.secretAccessKey", secretKey);
        String text = renderText(withSecrets);
        assertThat(text).doesNotContain(password, keyId, secretKey);

        Map<String, Object> data = (Map<String, Object>)
                one(render(withSecrets), "Secret", "gantry").body().get("data");
        assertThat(decode(data, "database-password")).isEqualTo(password);
        assertThat(decode(data, "s3-access-key-id")).isEqualTo(keyId);
        assertThat(decode(data, "s3-secret-access-key")).isEqualTo(secretKey);
        // Only the Secret holds them, encoded.
        String encoded = Base64.getEncoder().encodeToString(password.getBytes());
        assertThat(text.split(encoded, -1)).hasSize(2);
    }

    @Test
    void torch_threads_reach_openmp_and_djl_as_a_servers_local_workers_get_them() {
        Manifest worker = one(render(t -> t.set("worker.torchThreads", 3)), "Deployment", "gantry-worker");
        assertThat(env(worker)).containsAllEntriesOf(LocalTorch.environment(3));
        assertThat(env(worker).get("JAVA_TOOL_OPTIONS").split(" "))
                .containsExactlyInAnyOrderElementsOf(LocalTorch.jvmOptionsBesideTheImages(3));
    }

    @Test
    void each_pods_environment_binds_to_the_settings_gantry_reads() {
        List<Manifest> manifests = render("external-secret-values.yaml");
        Binder worker = podEnvironment(manifests, "gantry-worker");
        WorkerProperties workerSettings =
                worker.bind("gantry.worker", WorkerProperties.class).get();
        assertThat(workerSettings.device()).isEqualTo("cpu");
        assertThat(workerSettings.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        int grace = (int) at(
                one(manifests, "Deployment", "gantry-worker").body(),
                "spec",
                "template",
                "spec",
                "terminationGracePeriodSeconds");
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(workerSettings.drainTimeout());
        assertThat(worker.bind("gantry.role", String.class).get()).isEqualTo("worker");

        Binder server = podEnvironment(manifests, "gantry-server");
        assertThat(server.bind("gantry.worker", WorkerProperties.class).get().localCount())
                .isZero();
        for (Binder pod : List.of(server, worker)) {
            assertThat(pod.bind("gantry.scheduler", SchedulerProperties.class)
                            .get()
                            .leaseDuration())
                    .isEqualTo(Duration.ofSeconds(30));
            assertThat(pod.bind("spring.datasource.url", String.class).get())
                    .isEqualTo("jdbc:postgresql://postgres:5432/gantry?sslmode=prefer");
            assertThat(pod.bind("gantry.storage.s3.bucket", String.class).get()).isEqualTo("gantry");
            assertThat(pod.bind("gantry.storage.s3.endpoint", String.class).get())
                    .isEqualTo("http://minio.storage:9000");
            assertThat(pod.bind("gantry.storage.s3.path-style", Boolean.class).get())
                    .isTrue();
            assertThat(pod.bind("gantry.storage.s3.region", String.class).get()).isEqualTo("us-east-1");
        }
    }

    /** The ConfigMap's data and the container's own values (secret references left out), as the pod sees them. */
    @SuppressWarnings("unchecked")
    private static Binder podEnvironment(List<Manifest> manifests, String deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) one(manifests, "ConfigMap", "gantry").body().get("data"))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        env(one(manifests, "Deployment", deployment)).forEach((k, v) -> {
            if (!v.startsWith("secret:")) {
                env.put(k, v);
            }
        });
        return ContainerEnvironment.binder(env);
    }

    @Test
    void a_grace_period_not_above_the_drain_timeout_is_refused() {
        assertThatThrownBy(() -> renderText(t -> t.set("worker.terminationGracePeriodSeconds", 30)))
                .hasMessageContaining("terminationGracePeriodSeconds must be above worker.drainTimeoutSeconds");
    }

    @Test
    void the_schema_refuses_a_misspelt_key() {
        assertThatThrownBy(() -> renderText(t -> t.set("worker.replica", 3))).hasMessageContaining("replica");
    }

    @Test
    void every_value_has_a_description_and_its_default_in_the_schema() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
        JsonNode schema = JsonMapper.builder()
                .build()
                .readTree(CHART.resolve("values.schema.json").toFile());
        List<String> checked = new ArrayList<>();
        checkSchema(values, schema, "", checked);
        assertThat(checked).hasSizeGreaterThan(60);
    }

    @SuppressWarnings("unchecked")
    private static void checkSchema(Map<String, Object> values, JsonNode schema, String path, List<String> checked) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode property = schema.path("properties").path(e.getKey());
            assertThat(property.isMissingNode()).as("%s is in the schema", key).isFalse();
            assertThat(property.path("description").asString(""))
                    .as("description of %s", key)
                    .isNotBlank();
            assertThat(property.has("default")).as("default of %s", key).isTrue();
            Object fromSchema = JsonMapper.builder().build().treeToValue(property.get("default"), Object.class);
            assertThat(normalize(fromSchema)).as("default of %s", key).isEqualTo(normalize(e.getValue()));
            checked.add(key);
            if (e.getValue() instanceof Map<?, ?> nested && property.has("properties")) {
                checkSchema((Map<String, Object>) nested, property, key, checked);
            }
        }
    }

    /** Numbers compared as numbers (the JSON side reads 1 as an int, YAML too, but be safe with longs). */
    private static Object normalize(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, normalize(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(HelmChartTest::normalize).toList();
        }
        return value;
    }

    private static String decode(Map<String, Object> data, String key) {
        return new String(Base64.getDecoder().decode((String) data.get(key)));
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && into.get(key) instanceof Map<?, ?> existing) {
                deepMerge((Map<String, Object>) existing, (Map<String, Object>) m);
            } else if (value == null) {
                into.remove(key); // as Helm: null deletes a default
            } else {
                into.put(key, value);
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String summary(LintResult result) {
        return (result.isFailed() ? "FAILED" : "passed") + ", "
                + result.getMessages().size() + " message(s)"
                + (result.getMessages().isEmpty() ? "" : ": " + String.join(" | ", result.getMessages()));
    }

    private static Map<String, Long> kinds(List<Manifest> manifests) {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        manifests.forEach(m -> kinds.merge(m.kind(), 1L, Long::sum));
        return kinds;
    }
}
