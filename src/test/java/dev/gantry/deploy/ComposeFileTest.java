package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, parsed (SnakeYAML, merge keys included) and checked for what makes it work:
 * the services and their start order, the environment each one needs, that the workers and the
 * server agree, and that the environment names bind to Gantry's properties the way Spring Boot
 * binds a container's environment. No Docker engine runs here to start it.
 */
class ComposeFileTest {

    private static final Map<String, Object> COMPOSE = load();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try (Reader in = Files.newBufferedReader(DockerfileTest.ROOT.resolve("docker-compose.yml"))) {
            return new Yaml().load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String... path) {
        Object at = node;
        for (String key : path) {
            at = ((Map<String, Object>) at).get(key);
            assertThat(at).as("%s in %s", key, String.join(".", path)).isNotNull();
        }
        return (Map<String, Object>) at;
    }

    private static Map<String, Object> service(String name) {
        return map(COMPOSE, "services", name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String name) {
        return (Map<String, String>) (Map<String, ?>) map(service(name), "environment");
    }

    private static Binder binder(Map<String, String> env) {
        return ContainerEnvironment.binder(env);
    }

    @Test
    void it_runs_postgres_16_minio_a_one_shot_bucket_the_server_and_two_workers() {
        assertThat(map(COMPOSE, "services"))
                .containsOnlyKeys("postgres", "minio", "create-bucket", "server", "worker", "worker-gpu");
        assertThat(service("postgres").get("image")).isEqualTo("postgres:16");
        assertThat(String.join(" ", (List<String>) service("create-bucket").get("entrypoint")))
                .contains("mc mb --ignore-existing local/" + env("server").get("GANTRY_STORAGE_S3_BUCKET"));
        assertThat(service("create-bucket").get("restart")).isEqualTo("no");
        assertThat(map(service("worker"), "deploy").get("replicas")).isEqualTo(2);
    }

    @Test
    void each_service_starts_after_what_it_needs_is_healthy_or_done() {
        assertThat(map(service("server"), "depends_on"))
                .isEqualTo(Map.of(
                        "postgres", Map.of("condition", "service_healthy"),
                        "create-bucket", Map.of("condition", "service_completed_successfully")));
        assertThat(map(service("create-bucket"), "depends_on"))
                .isEqualTo(Map.of("minio", Map.of("condition", "service_healthy")));
        for (String worker : List.of("worker", "worker-gpu")) {
            assertThat(map(service(worker), "depends_on"))
                    .isEqualTo(Map.of("server", Map.of("condition", "service_healthy")));
        }
        for (String checked : List.of("postgres", "minio")) {
            assertThat(map(service(checked), "healthcheck")).containsKey("test");
        }
        // The server's health check is the image's own (liveness); a worker has no HTTP to check.
        assertThat(service("server")).doesNotContainKey("healthcheck");
        assertThat(map(service("worker"), "healthcheck")).containsEntry("disable", true);
    }

    @Test
    void the_server_runs_no_local_worker_and_the_workers_share_its_settings() {
        Map<String, String> server = env("server");
        assertThat(binder(server)
                        .bind("gantry.worker.local-count", Integer.class)
                        .get())
                .isZero();
        assertThat(binder(server).bind("gantry.role", String.class).get()).isEqualTo("server");
        Map<String, Object> shared = map(COMPOSE, "x-gantry-env");
        assertThat(shared)
                .containsKeys(
                        "SPRING_DATASOURCE_URL",
                        "SPRING_DATASOURCE_USERNAME",
                        "SPRING_DATASOURCE_PASSWORD",
                        "GANTRY_STORAGE_S3_BUCKET",
                        "GANTRY_STORAGE_S3_ENDPOINT",
                        "AWS_ACCESS_KEY_ID",
                        "AWS_SECRET_ACCESS_KEY",
                        "GANTRY_SCHEDULER_LEASEDURATION");
        for (String worker : List.of("worker", "worker-gpu")) {
            Map<String, String> env = env(worker);
            shared.forEach((key, value) ->
                    assertThat(env.get(key)).as("%s of %s", key, worker).isEqualTo(server.get(key)));
            Binder bound = binder(env);
            assertThat(bound.bind("gantry.role", String.class).get()).isEqualTo("worker");
            assertThat(bound.bind("spring.main.web-application-type", String.class)
                            .get())
                    .isEqualTo("none");
            assertThat(bound.bind("spring.flyway.enabled", Boolean.class).get()).isFalse();
        }
        assertThat(binder(env("worker"))
                        .bind("gantry.worker.device", String.class)
                        .get())
                .isEqualTo("cpu");
        assertThat(binder(env("worker-gpu"))
                        .bind("gantry.worker.device", String.class)
                        .get())
                .isEqualTo("gpu");
    }

    @Test
    void the_environment_names_bind_to_gantrys_properties() {
        Binder server = binder(env("server"));
        assertThat(server.bind("spring.datasource.url", String.class).get())
                .isEqualTo("jdbc:postgresql://postgres:5432/gantry");
        assertThat(server.bind("gantry.storage.s3.endpoint", String.class).get())
                .isEqualTo("http://minio:9000");
        assertThat(server.bind("gantry.storage.s3.path-style", Boolean.class).get())
                .isTrue();
        assertThat(server.bind("gantry.storage.s3.region", String.class).get()).isEqualTo("us-east-1");
        assertThat(server.bind("gantry.scheduler.lease-duration", Duration.class)
                        .get())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(server.bind("gantry.worker.drain-timeout", Duration.class).get())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void workers_scale_stop_gracefully_and_only_support_services_bind_ports_on_loopback() {
        Duration drain = binder(env("worker"))
                .bind("gantry.worker.drain-timeout", Duration.class)
                .get();
        for (String worker : List.of("worker", "worker-gpu")) {
            assertThat(service(worker)).doesNotContainKeys("container_name", "ports");
            assertThat(DurationStyle.detectAndParse((String) service(worker).get("stop_grace_period")))
                    .as("%s gets longer than its drain to stop", worker)
                    .isGreaterThan(drain);
        }
        for (String internal : List.of("postgres", "minio")) {
            assertThat((List<String>) service(internal).get("ports")).allMatch(p -> p.startsWith("127.0.0.1:"));
        }
        assertThat((List<String>) service("server").get("ports"))
                .containsExactly("${GANTRY_HTTP_BIND:-127.0.0.1}:8080:8080");
        assertThat(map(COMPOSE, "volumes")).containsOnlyKeys("postgres-data", "minio-data", "gantry-data");
        assertThat((List<String>) service("postgres").get("volumes"))
                .containsExactly("postgres-data:/var/lib/postgresql/data");
        assertThat((List<String>) service("server").get("volumes")).containsExactly("gantry-data:/data");
    }

    @Test
    void the_gpu_profile_reserves_an_nvidia_gpu_for_a_worker_on_the_cuda_image() {
        Map<String, Object> gpu = service("worker-gpu");
        assertThat((List<String>) gpu.get("profiles")).containsExactly("gpu");
        assertThat(map(gpu, "build", "args")).containsEntry("FLAVOR", "cuda");
        assertThat(gpu.get("image")).isEqualTo("gantry:cuda");
        List<Map<String, Object>> devices = (List<Map<String, Object>>)
                map(gpu, "deploy", "resources", "reservations").get("devices");
        assertThat(devices).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("driver", "nvidia").containsEntry("count", 1);
            assertThat((List<String>) d.get("capabilities")).containsExactly("gpu");
        });
        assertThat(service("worker")).doesNotContainKey("profiles");
        assertThat(map(service("server"), "build", "args")).containsEntry("FLAVOR", "cpu");
    }

    @Test
    void workers_run_libtorch_with_the_threads_a_server_gives_its_local_workers() {
        for (String worker : List.of("worker", "worker-gpu")) {
            Map<String, String> env = env(worker);
            assertThat(env).as(worker).containsAllEntriesOf(LocalTorch.environment(1));
            assertThat(env.get("JAVA_TOOL_OPTIONS").split(" "))
                    .as(worker)
                    .containsExactlyInAnyOrderElementsOf(LocalTorch.jvmOptionsBesideTheImages(1));
        }
    }
}
