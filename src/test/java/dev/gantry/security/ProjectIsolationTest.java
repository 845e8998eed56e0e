package dev.gantry.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.scheduler.WorkerRegistry;
import dev.gantry.scheduler.WorkerState;
import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.testsupport.Datasets;
import dev.gantry.testsupport.EventStreamClient;
import dev.gantry.testsupport.FeatureNetworkUploads;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint of the application, taken from its request mappings, called with another
 * project's key: a 404 exactly like an id that names nothing (never a 403), and no list, metric
 * query or download that shows the other project's resources. A new endpoint fails here until it
 * has an {@link Access} rule and, if it takes no id, a case below.
 *
 * <p>Real server, real PostgreSQL, a real generation process behind the feature-network uploads;
 * the checkpoint and sample are stored through the workers' own {@link Artifacts} rather than
 * trained, since their bytes don't matter here.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gantry.worker.local-count=0", "gantry.generation.local-count=1"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class ProjectIsolationTest {

    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    Artifacts artifacts;

    @Autowired
    MetricWriter metrics;

    @Autowired
    WorkerRegistry workers;

    /** What project A holds, every id of which B must never reach or see. */
    record Holdings(
            String job,
            String jobName,
            String idempotencyKey,
            String dataset,
            String network,
            String sweep,
            long step) {

        List<String> ids() {
            return List.of(job, dataset, network, sweep);
        }
    }

    @Test
    void another_projects_key_gets_404_on_every_endpoint_and_never_sees_its_resources() throws Exception {
        Http owner = new Http(port);
        Tenant a = Tenants.create(owner, "iso-a");
        Tenant b = Tenants.create(owner, "iso-b");
        Holdings held = fill(a);

        List<String> failures = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        Set<ResourceType> typesCovered = EnumSet.noneOf(ResourceType.class);
        int byIdChecks = 0;
        int listChecks = 0;
        Map<String, Consumer<List<String>>> collectionCases = collectionCases(a, b, held);

        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry :
                mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            Access rule = entry.getValue().getMethodAnnotation(Access.class);
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    String endpoint = method + " " + pattern;
                    covered.add(endpoint);
                    if (rule == null) {
                        failures.add(endpoint + ": no @Access rule");
                        continue;
                    }
                    if (VARIABLE.matcher(pattern).find()) {
                        byIdChecks++;
                        typesCovered.add(rule.resource());
                        checkById(endpoint, method, pattern, info, rule, a, b, held, failures);
                    } else {
                        Consumer<List<String>> check = collectionCases.get(endpoint);
                        if (check == null) {
                            failures.add(endpoint + ": takes no id and has no isolation case in this test");
                        } else {
                            listChecks++;
                            check.accept(failures);
                        }
                    }
                }
            }
        }
        System.out.printf(
                "Isolation: %d endpoints (%d by id, %d lists and creates) x resource types %s (jobs with their"
                        + " checkpoints, samples, metrics, exports; datasets; feature networks; projects and keys):"
                        + " %d leaks%n",
                covered.size(), byIdChecks, listChecks, typesCovered, failures.size());
        // Its trials would otherwise be queued for the workers of later test classes.
        a.http().post("/api/v1/sweeps/" + held.sweep() + "/cancel", "");
        assertThat(failures).as("leaks and unruled endpoints").isEmpty();
        assertThat(covered).as("the mappings were read").hasSizeGreaterThan(25);
        assertThat(typesCovered)
                .contains(
                        ResourceType.JOB,
                        ResourceType.DATASET,
                        ResourceType.FEATURE_NETWORK,
                        ResourceType.PROJECT,
                        ResourceType.SWEEP);
    }

    private Holdings fill(Tenant a) throws Exception {
        JsonNode dataset = Datasets.uploadAndWait(
                a.http(),
                "?name=iso-images&format=npy",
                "application/zip",
                DatasetFiles.zip(Map.of("images.npy", DatasetFiles.npyImages(8, 8, 8, 1))));
        assertThat(dataset.get("state").asString()).as(dataset.toString()).isEqualTo("READY");
        // Not awaited: whether its validation has finished (READY) or not (PROCESSING), another
        // project must find no such network, and a spec naming it must get the unknown-name error
        // rather than its state. (Waiting also made the test hostage to a generation process
        // starting on a loaded machine.)
        Http.Response uploaded = FeatureNetworkUploads.upload(a.http(), "gray_tiny");
        assertThat(uploaded.status()).as(text(uploaded)).isEqualTo(201);
        JsonNode network = uploaded.json();
        String jobName = "iso-secret-" + UUID.randomUUID().toString().substring(0, 8);
        String idempotencyKey = "iso-key-" + UUID.randomUUID();
        Http.Response job = a.http()
                .post(
                        "/api/v1/jobs",
                        "{\"name\":\"" + jobName + "\",\"dataset\":\""
                                + dataset.get("id").asString() + "\",\"training\":{\"steps\":10}}",
                        Map.of("Idempotency-Key", idempotencyKey));
        assertThat(job.status()).as(new String(job.bytes())).isEqualTo(201);
        UUID jobId = UUID.fromString(job.json().get("id").asString());
        long step = 5;
        assertThat(metrics.write(jobId, 1, List.of(new MetricPoint("loss/d", step, 0.25, null))))
                .isTrue();
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, jobId, 1, step, new byte[] {1, 2, 3}, 2))
                .isTrue();
        assertThat(artifacts.save(ArtifactKind.SAMPLE, jobId, 1, step, DatasetFiles.png(DatasetFiles.gray(8, 8, 1)), 2))
                .isTrue();
        String worker = "iso-worker-" + UUID.randomUUID().toString().substring(0, 8);
        workers.register(new WorkerRegistry.WorkerIdentity(worker, "iso-host", 1, "cpu", "test"));
        workers.heartbeat(worker, WorkerState.BUSY, jobId);
        Http.Response sweep = a.http()
                .post(
                        "/api/v1/sweeps",
                        "{\"name\":\"" + jobName + "-sweep\",\"base\":{\"dataset\":\""
                                + dataset.get("id").asString() + "\",\"training\":{\"steps\":10}},"
                                + "\"space\":{\"training.batchSize\":{\"values\":[4,8]}},"
                                + "\"objective\":{\"metric\":\"eval/fid\",\"goal\":\"min\"}}");
        assertThat(sweep.status()).as(new String(sweep.bytes())).isEqualTo(201);
        return new Holdings(
                jobId.toString(),
                jobName,
                idempotencyKey,
                dataset.get("id").asString(),
                network.get("id").asString(),
                sweep.json().get("id").asString(),
                step);
    }

    /**
     * B's key on A's id: 404, and the same answer as for an id that names nothing. A's key on the
     * same GET: not 404, which proves the path named a real resource.
     */
    private void checkById(
            String endpoint,
            RequestMethod method,
            String pattern,
            RequestMappingInfo info,
            Access rule,
            Tenant a,
            Tenant b,
            Holdings held,
            List<String> failures) {
        Map<String, String> values = values(rule.resource(), a, held);
        Map<String, String> absent = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> absent.put(k, k.equals("step") ? v : UUID.randomUUID().toString()));
        String path = fill(pattern, values);
        String missingPath = fill(pattern, absent);
        Http.Response foreign = call(b.http(), method, path, info);
        Http.Response missing = call(b.http(), method, missingPath, info);
        if (foreign.status() != 404) {
            failures.add(endpoint + ": another project's key got " + foreign.status() + " " + text(foreign));
            return;
        }
        String foreignBody = anonymise(text(foreign), values);
        String missingBody = anonymise(text(missing), absent);
        if (missing.status() != 404 || !foreignBody.equals(missingBody)) {
            failures.add(endpoint + ": another project's id answers " + foreignBody + " but a missing one "
                    + missing.status() + " " + missingBody);
        }
        if (method == RequestMethod.GET) {
            Http.Response own = call(a.http(), method, path, info);
            if (own.status() == 404) {
                failures.add(endpoint + ": the test's own id was not found either, so it proves nothing: " + text(own));
            }
        }
    }

    private static Map<String, String> values(ResourceType type, Tenant a, Holdings held) {
        Map<String, String> values = new LinkedHashMap<>();
        switch (type) {
            case JOB -> {
                values.put("id", held.job());
                values.put("otherId", held.job());
            }
            case DATASET -> values.put("id", held.dataset());
            case FEATURE_NETWORK -> values.put("id", held.network());
            case SWEEP -> values.put("id", held.sweep());
            case PROJECT -> {
                values.put("projectId", a.projectId());
                values.put("keyId", a.adminKeyId());
            }
            case NONE -> {}
        }
        values.put("step", String.valueOf(held.step()));
        return values;
    }

    private static String fill(String pattern, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertThat(value)
                    .as("no test value for {%s} in %s", m.group(1), pattern)
                    .isNotNull();
            m.appendReplacement(out, value);
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String anonymise(String body, Map<String, String> values) {
        String out = body;
        for (String value : values.values()) {
            out = out.replace(value, "<id>");
        }
        return out;
    }

    /** The media type the route consumes, so the request reaches the access check instead of a 415. */
    private static Http.Response call(Http http, RequestMethod method, String path, RequestMappingInfo info) {
        if (info.getProducesCondition().getProducibleMediaTypes().contains(MediaType.TEXT_EVENT_STREAM)) {
            // A stream that opens does not end: its status is the answer, its body is not awaited.
            try (EventStreamClient.Stream stream = EventStreamClient.open(http.port(), path, http.key(), null)) {
                String body = stream.errorBody() == null ? "" : stream.errorBody();
                return new Http.Response(
                        stream.status(), stream.contentType(), body.getBytes(StandardCharsets.UTF_8), null);
            }
        }
        return switch (method) {
            case GET -> http.get(path);
            case DELETE -> http.delete(path);
            case PUT -> http.put(path, "{}");
            default -> {
                Set<MediaType> consumes = info.getConsumesCondition().getConsumableMediaTypes();
                String type = consumes.isEmpty()
                        ? MediaType.APPLICATION_JSON_VALUE
                        : consumes.iterator().next().toString();
                yield http.post(path, "{}".getBytes(), Map.of("Content-Type", type));
            }
        };
    }

    private Map<String, Consumer<List<String>>> collectionCases(Tenant a, Tenant b, Holdings held) {
        Map<String, Consumer<List<String>>> cases = new LinkedHashMap<>();
        cases.put("GET /api/v1/jobs", f -> {
            absent(f, "GET /api/v1/jobs", b.http().get("/api/v1/jobs?pageSize=200"), held);
            absent(f, "GET /api/v1/jobs?name=", b.http().get("/api/v1/jobs?name=" + held.jobName()), held);
        });
        cases.put("POST /api/v1/jobs", f -> {
            // Another project's dataset and feature network are as unknown as ones that don't exist.
            String random = UUID.randomUUID().toString();
            sameRefusal(f, b, "{\"dataset\":\"%s\",\"training\":{\"steps\":10}}", held.dataset(), random, "dataset");
            sameRefusal(
                    f,
                    b,
                    "{\"dataset\":\"digits\",\"evaluation\":{\"featureNetwork\":\"%s\"},\"training\":{\"steps\":10}}",
                    held.network(),
                    random,
                    "evaluation.featureNetwork");
            // A fork of another project's job is refused as a fork of a job that does not exist.
            sameRefusal(
                    f,
                    b,
                    "{\"dataset\":\"ring8\",\"training\":{\"steps\":10},\"from\":{\"job\":\"%s\"}}",
                    held.job(),
                    random,
                    "from.job");
            // The same Idempotency-Key in another project is another job, not A's job or a conflict.
            Http.Response reused = b.http()
                    .post(
                            "/api/v1/jobs",
                            "{\"dataset\":\"ring8\",\"training\":{\"steps\":10}}",
                            Map.of("Idempotency-Key", held.idempotencyKey()));
            if (reused.status() != 201 || text(reused).contains(held.job())) {
                f.add("POST /api/v1/jobs: A's Idempotency-Key in B answered " + reused.status() + " " + text(reused));
            }
        });
        cases.put(
                "GET /api/v1/sweeps",
                f -> absent(f, "GET /api/v1/sweeps", b.http().get("/api/v1/sweeps"), held));
        cases.put("POST /api/v1/sweeps", f -> {
            // A sweep's base names datasets as a job does: another project's is as unknown as none.
            String random = UUID.randomUUID().toString();
            String template =
                    "{\"base\":{\"dataset\":\"%s\"},\"objective\":{\"metric\":\"eval/fid\",\"goal\":\"min\"}}";
            Http.Response refused = b.http().post("/api/v1/sweeps", template.formatted(held.dataset()));
            Http.Response unknown = b.http().post("/api/v1/sweeps", template.formatted(random));
            String foreign = text(refused).replace(held.dataset(), "<id>");
            if (refused.status() != 400
                    || !foreign.equals(text(unknown).replace(random, "<id>"))
                    || !foreign.contains("base.dataset")) {
                f.add("POST /api/v1/sweeps naming another project's dataset: " + refused.status() + " " + foreign);
            }
        });
        cases.put(
                "GET /api/v1/datasets",
                f -> absent(f, "GET /api/v1/datasets", b.http().get("/api/v1/datasets"), held));
        cases.put("POST /api/v1/datasets", f -> {
            JsonNode mine;
            try {
                mine = Datasets.uploadAndWait(
                        b.http(),
                        "?name=iso-b&format=npy",
                        "application/zip",
                        DatasetFiles.zip(Map.of("images.npy", DatasetFiles.npyImages(4, 8, 8, 1))));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            String id = mine.get("id").asString();
            if (text(a.http().get("/api/v1/datasets")).contains(id)
                    || a.http().get("/api/v1/datasets/" + id).status() != 404) {
                f.add("POST /api/v1/datasets: B's upload is visible to A");
            }
        });
        cases.put(
                "GET /api/v1/feature-networks",
                f -> absent(f, "GET /api/v1/feature-networks", b.http().get("/api/v1/feature-networks"), held));
        cases.put("POST /api/v1/feature-networks", f -> {
            Http.Response mine = FeatureNetworkUploads.upload(b.http(), "gray_tiny");
            String id = mine.json().get("id").asString();
            if (mine.status() != 201
                    || text(a.http().get("/api/v1/feature-networks")).contains(id)
                    || a.http().get("/api/v1/feature-networks/" + id).status() != 404) {
                f.add("POST /api/v1/feature-networks: B's upload is visible to A, or refused: " + text(mine));
            }
        });
        cases.put("GET /api/v1/workers", f -> {
            String foreign = text(b.http().get("/api/v1/workers"));
            String own = text(a.http().get("/api/v1/workers"));
            if (foreign.contains(held.job()) || !own.contains(held.job())) {
                f.add("GET /api/v1/workers: a worker's current job is shown to another project, or not to its own");
            }
        });
        cases.put("GET /api/v1/events", f -> eventsStayInTheirProject(f, a, b, held));
        cases.put(
                "GET /api/v1/catalog",
                f -> absent(f, "GET /api/v1/catalog", b.http().get("/api/v1/catalog"), held));
        cases.put("GET /api/v1/audit", f -> {
            // B's trail holds B's own attempts on A's ids (which B sent), but nothing A did.
            Http.Response audit = b.http().get("/api/v1/audit?pageSize=500");
            if (audit.status() != 200) {
                f.add("GET /api/v1/audit: " + audit.status() + " " + text(audit));
                return;
            }
            for (JsonNode event : audit.json().get("events")) {
                if (!event.get("projectId").asString().equals(b.projectId())
                        || event.get("keyId").asString().equals(a.adminKeyId())) {
                    f.add("GET /api/v1/audit: B sees another project's event " + event);
                }
            }
            if (b.http().get("/api/v1/audit?projectId=" + a.projectId()).status() != 404) {
                f.add("GET /api/v1/audit?projectId=A: not 404 for B's admin");
            }
        });
        // Owner-only: a project admin is refused by role, and no project resource is named.
        cases.put(
                "GET /api/v1/projects",
                f -> status(f, "GET /api/v1/projects", b.http().get("/api/v1/projects"), 403));
        cases.put(
                "POST /api/v1/projects",
                f -> status(f, "POST /api/v1/projects", b.http().post("/api/v1/projects", "{\"name\":\"x\"}"), 403));
        return cases;
    }

    /**
     * Both projects' streams from their first event (Last-Event-ID 0), while A's job gets a new
     * metric point and B a new job: B's stream shows its own job and nothing of A's, in the replay
     * or live; A's shows its point, which proves the point was streamed at all.
     */
    private void eventsStayInTheirProject(List<String> f, Tenant a, Tenant b, Holdings held) {
        try (EventStreamClient.Stream mine = EventStreamClient.open(port, "/api/v1/events", a.adminKey(), 0L);
                EventStreamClient.Stream theirs = EventStreamClient.open(port, "/api/v1/events", b.adminKey(), 0L)) {
            if (mine.status() != 200 || theirs.status() != 200) {
                f.add("GET /api/v1/events: " + mine.status() + " for A, " + theirs.status() + " for B");
                return;
            }
            UUID job = UUID.fromString(held.job());
            metrics.write(job, 1, List.of(new MetricPoint("loss/g", held.step() + 1, 0.5, null)));
            String own = b.http()
                    .post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":10}}")
                    .json()
                    .get("id")
                    .asString();
            Duration wait = Duration.ofSeconds(30);
            mine.await(
                    events -> events.stream()
                            .anyMatch(e -> e.type().equals("metrics")
                                    && e.data().get("jobId").asString().equals(held.job())),
                    wait);
            // Positions are global and in commit order: once B has its own later event, an
            // event of A's would have come before it.
            theirs.await(
                    events -> events.stream()
                            .anyMatch(e -> e.data().get("jobId").asString().equals(own)),
                    wait);
            for (EventStreamClient.Event event : theirs.events()) {
                String text = event.data().toString();
                if (held.ids().stream().anyMatch(text::contains) || text.contains(held.jobName())) {
                    f.add("GET /api/v1/events: B's stream shows A's event " + event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (AssertionError e) {
            f.add("GET /api/v1/events: " + e.getMessage());
        }
    }

    private static void sameRefusal(
            List<String> f, Tenant b, String template, String foreign, String random, String field) {
        Http.Response refused = b.http().post("/api/v1/jobs", template.formatted(foreign));
        Http.Response unknown = b.http().post("/api/v1/jobs", template.formatted(random));
        String a = text(refused).replace(foreign, "<id>");
        String u = text(unknown).replace(random, "<id>");
        if (refused.status() != 400 || !a.equals(u) || !a.contains(field)) {
            f.add("POST /api/v1/jobs naming another project's " + field + ": " + refused.status() + " " + a
                    + " vs unknown " + u);
        }
    }

    private static void absent(List<String> f, String endpoint, Http.Response response, Holdings held) {
        if (response.status() != 200) {
            f.add(endpoint + ": " + response.status() + " " + text(response));
            return;
        }
        for (String id : held.ids()) {
            if (text(response).contains(id)) {
                f.add(endpoint + ": shows another project's " + id);
            }
        }
        if (text(response).contains(held.jobName())) {
            f.add(endpoint + ": shows another project's job name");
        }
    }

    private static void status(List<String> f, String endpoint, Http.Response response, int expected) {
        if (response.status() != expected) {
            f.add(endpoint + ": expected " + expected + ", got " + response.status() + " " + text(response));
        }
    }

    private static String text(Http.Response response) {
        return new String(response.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
