package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The job API contract over real HTTP, on a real PostgreSQL; no worker runs, so jobs stay queued. */
@GantryIntegrationTest
class JobApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void submit_fills_every_default_and_answers_201_with_a_location() {
        Http.Response response = http.post("/api/v1/jobs", """
                {"dataset": "grid25", "loss": {"adversarial": {"type": "wasserstein"},
                 "terms": [{"type": "weight-clipping", "params": {"clip": 0.05}}]}}
                """);

        assertThat(response.status()).isEqualTo(201);
        JsonNode job = response.json();
        assertThat(response.header("Location"))
                .isEqualTo("/api/v1/jobs/" + job.get("id").asString());
        assertThat(job.get("state").asString()).isEqualTo("QUEUED");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        assertThat(job.get("totalSteps").asLong()).isEqualTo(20_000);
        JsonNode spec = job.get("spec");
        assertThat(spec.get("name").asString()).isEqualTo("grid25-wasserstein");
        assertThat(spec.at("/model/hiddenUnits").asInt()).isEqualTo(128);
        assertThat(spec.at("/loss/adversarial/weight").asDouble()).isEqualTo(1.0);
        assertThat(spec.at("/loss/terms")).hasSize(1);
        assertThat(spec.at("/loss/terms/0/weight").asDouble()).isEqualTo(1.0);
        assertThat(spec.at("/loss/terms/0/params/clip").asDouble()).isEqualTo(0.05);
        // The 2-D defaults that converge (bench/training/defaults.md), at the Wasserstein critic's
        // own rate and step count even beside terms the client chose.
        assertThat(spec.at("/optimizer/discriminator/learningRate").asDouble()).isEqualTo(2e-3);
        assertThat(spec.at("/training/discriminatorSteps").asInt()).isEqualTo(5);
        assertThat(spec.at("/optimizer/discriminator/beta2").asDouble()).isEqualTo(0.999);
        assertThat(spec.at("/optimizer/generator/schedule").asString()).isEqualTo("linear");
        assertThat(spec.at("/optimizer/generator/decayStartStep").asLong()).isEqualTo(10_000);
        assertThat(spec.at("/training/emaDecay").asDouble()).isEqualTo(0.99);
        // A seed left out is drawn once and kept, so the stored spec reproduces the run.
        assertThat(spec.at("/training/seed").isNumber()).isTrue();
        assertThat(http.get("/api/v1/jobs/" + job.get("id").asString())
                        .json()
                        .at("/spec/training/seed")
                        .asLong())
                .isEqualTo(spec.at("/training/seed").asLong());
    }

    @Test
    void a_2d_spec_gets_the_setting_its_loss_was_swept_to_and_an_empty_term_list_gets_none() {
        JsonNode plain = http.post("/api/v1/jobs", "{\"dataset\": \"ring8\", \"training\": {\"steps\": 10}}")
                .json()
                .get("spec");
        assertThat(plain.at("/loss/adversarial/type").asString()).isEqualTo("non-saturating");
        assertThat(plain.at("/loss/terms")).hasSize(1);
        assertThat(plain.at("/loss/terms/0/type").asString()).isEqualTo("r1");
        assertThat(plain.at("/loss/terms/0/weight").asDouble()).isEqualTo(1.0);
        assertThat(plain.at("/training/discriminatorSteps").asInt()).isEqualTo(1);
        assertThat(plain.at("/optimizer/generator/learningRate").asDouble()).isEqualTo(5e-4);
        assertThat(plain.at("/model/spectralNorm").asBoolean()).isFalse();
        // A linear schedule's decay starts half-way through the job's own steps.
        assertThat(plain.at("/optimizer/generator/decayStartStep").asLong()).isEqualTo(5);

        // bench/training/quality-losses.md: WGAN-GP and hinge lose most modes at the shared setting.
        JsonNode wasserstein = spec2d("wasserstein");
        assertThat(wasserstein.at("/loss/terms")).hasSize(1);
        assertThat(wasserstein.at("/loss/terms/0/type").asString()).isEqualTo("gradient-penalty");
        assertThat(wasserstein.at("/loss/terms/0/weight").asDouble()).isEqualTo(0.1);
        assertThat(wasserstein.at("/training/discriminatorSteps").asInt()).isEqualTo(5);
        assertThat(wasserstein.at("/optimizer/generator/learningRate").asDouble())
                .isEqualTo(2e-3);
        assertThat(wasserstein.at("/optimizer/discriminator/learningRate").asDouble())
                .isEqualTo(2e-3);
        assertThat(wasserstein.at("/model/spectralNorm").asBoolean()).isFalse();
        JsonNode hinge = spec2d("hinge");
        assertThat(hinge.at("/loss/terms")).isEmpty();
        assertThat(hinge.at("/training/discriminatorSteps").asInt()).isEqualTo(5);
        assertThat(hinge.at("/optimizer/discriminator/learningRate").asDouble()).isEqualTo(1e-3);
        assertThat(hinge.at("/model/spectralNorm").asBoolean()).isTrue();
        // Every other loss lost modes without R1 and kept all 25 with it.
        for (String type : List.of("least-squares", "rsgan", "rasgan", "ralsgan", "rahinge", "minimax")) {
            JsonNode other = spec2d(type);
            assertThat(other.at("/loss/terms/0/type").asString()).as(type).isEqualTo("r1");
            assertThat(other.at("/training/discriminatorSteps").asInt())
                    .as(type)
                    .isEqualTo(1);
            assertThat(other.at("/optimizer/discriminator/learningRate").asDouble())
                    .as(type)
                    .isEqualTo(5e-4);
        }
        // What the client gives wins over what the loss would choose.
        JsonNode given = http.post("/api/v1/jobs", """
                        {"dataset": "ring8", "loss": {"adversarial": {"type": "hinge"}},
                         "model": {"spectralNorm": false}, "training": {"steps": 10, "discriminatorSteps": 2},
                         "optimizer": {"discriminator": {"learningRate": 0.0001}}}
                        """).json().get("spec");
        assertThat(given.at("/model/spectralNorm").asBoolean()).isFalse();
        assertThat(given.at("/training/discriminatorSteps").asInt()).isEqualTo(2);
        assertThat(given.at("/optimizer/discriminator/learningRate").asDouble()).isEqualTo(1e-4);
        assertThat(given.at("/optimizer/generator/learningRate").asDouble()).isEqualTo(1e-3);

        JsonNode none = http.post("/api/v1/jobs", """
                        {"dataset": "ring8", "loss": {"terms": []},
                         "optimizer": {"generator": {"schedule": "constant"}}, "training": {"steps": 10}}
                        """).json().get("spec");
        assertThat(none.at("/loss/terms")).isEmpty();
        assertThat(none.at("/optimizer/generator/decayStartStep").asLong()).isZero();
        assertThat(none.at("/optimizer/discriminator/schedule").asString()).isEqualTo("linear");

        // Images keep theirs: no regularizer, a constant DCGAN-style Adam, no EMA.
        JsonNode images = http.post("/api/v1/jobs", "{\"dataset\": \"digits\", \"training\": {\"steps\": 10}}")
                .json()
                .get("spec");
        assertThat(images.at("/loss/terms")).isEmpty();
        assertThat(images.at("/optimizer/generator/learningRate").asDouble()).isEqualTo(1e-4);
        assertThat(images.at("/optimizer/generator/beta2").asDouble()).isEqualTo(0.9);
        assertThat(images.at("/optimizer/generator/schedule").asString()).isEqualTo("constant");
        assertThat(images.at("/training/emaDecay").asDouble()).isZero();
        JsonNode imageHinge = http.post("/api/v1/jobs", """
                        {"dataset": "digits", "loss": {"adversarial": {"type": "hinge"}}, "training": {"steps": 10}}
                        """).json().get("spec");
        assertThat(imageHinge.at("/model/spectralNorm").asBoolean()).isFalse();
        assertThat(imageHinge.at("/training/discriminatorSteps").asInt()).isEqualTo(1);
    }

    private JsonNode spec2d(String adversarial) {
        Http.Response response = http.post("/api/v1/jobs", """
                {"dataset": "ring8", "loss": {"adversarial": {"type": "%s"}}, "training": {"steps": 10}}
                """.formatted(adversarial));
        assertThat(response.status()).as(adversarial).isEqualTo(201);
        return response.json().get("spec");
    }

    @Test
    void a_super_resolution_spec_is_completed_with_srgans_generator_and_a_held_out_split() {
        JsonNode spec = http.post("/api/v1/jobs", """
                        {"dataset": "digits", "task": "super-resolution", "training": {"steps": 10}}
                        """).json().get("spec");
        assertThat(spec.at("/task").asString()).isEqualTo("super-resolution");
        assertThat(spec.at("/superResolution/scale").asInt()).isEqualTo(4);
        assertThat(spec.at("/superResolution/validationImages").asInt()).isEqualTo(256);
        assertThat(spec.at("/model/architecture").asString()).isEqualTo("srresnet");
        assertThat(spec.at("/model/latentDim").asInt()).isZero();
        assertThat(spec.at("/model/hiddenLayers").asInt()).isEqualTo(8);
        assertThat(spec.at("/data/resolution").asInt()).isEqualTo(32);
        JsonNode generation = http.post("/api/v1/jobs", "{\"dataset\": \"digits\", \"training\": {\"steps\": 10}}")
                .json()
                .get("spec");
        assertThat(generation.at("/task").asString()).isEqualTo("generation");
        assertThat(generation.has("superResolution")).isFalse();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"training": {"steps": 10}}                                          | dataset
            {"dataset": "mnist"}                                                 | dataset
            {"dataset": "grid25", "training": {"steps": -5}}                     | training.steps
            {"dataset": "grid25", "training": {"steps": "many"}}                 | training.steps
            {"dataset": "grid25", "training": {"steps": 1.5}}                    | training.steps
            {"dataset": "grid25", "training": {"batchSize": 0}}                  | training.batchSize
            {"dataset": "grid25", "trainign": {"steps": 10}}                     | trainign
            {"dataset": "grid25", "loss": {"adversarial": {"type": "softmax"}}}  | loss.adversarial.type
            {"dataset": "grid25", "loss": {"adversarial": {"weight": -0.001}}}   | loss.adversarial.weight
            {"dataset": "grid25", "loss": {"terms": [{"type": "weight-clipping"}, {"type": "r3"}]}} | loss.terms[1].type
            {"dataset": "grid25", "loss": {"terms": [{"type": "weight-clipping", "weight": 2}]}}    | loss.terms[0].weight
            {"dataset": "grid25", "loss": {"terms": [{"type": "weight-clipping", "params": {"clip": -1}}]}} | loss.terms[0].params.clip
            {"dataset": "grid25", "loss": {"terms": [{"type": "weight-clipping", "params": {"width": 1}}]}} | loss.terms[0].params.width
            {"dataset": "grid25", "optimizer": {"generator": {"learningRate": 0}}} | optimizer.generator.learningRate
            {"dataset": "grid25", "optimizer": {"discriminator": {"beta2": 1.0}}} | optimizer.discriminator.beta2
            {"dataset": "grid25", "model": {"hiddenLayers": 1000}}               | model.hiddenLayers
            {"dataset": "grid25", "name": "../etc"}                              | name
            {"dataset": "grid25", "evaluation": {"samples": 5}}                  | evaluation.samples
            {"dataset": "grid25", "checkpoints": {"keepLast": 0}}                | checkpoints.keepLast
            {"dataset": "grid25", "loss": {"terms": [7]}}                        | loss.terms[0]
            {"dataset": "grid25", "name": 7}                                     | name
            {"dataset": "grid25", "training": {"steps": " "}}                    | training.steps
            {"dataset": "grid25", "training": {"steps": ""}}                     | training.steps
            {"dataset": "grid25", "model": ""}                                   | model
            {"dataset": "grid25", "dataset": "ring8"}                            | ''
            {"dataset": "grid25", "limits": {"maxRuntimeSeconds": 0}}            | limits.maxRuntimeSeconds
            {"dataset": "grid25", "limits": {"maxRuntimeSeconds": 604801}}       | limits.maxRuntimeSeconds
            {"dataset": "grid25", "limits": {"maxRuntimeSeconds": 1.5}}          | limits.maxRuntimeSeconds
            {"dataset": "grid25", "limits": []}                                  | limits
            {"dataset": "digits", "task": "colorize"}                            | task
            {"dataset": "digits", "task": "super-resolution", "superResolution": {"scale": 3}} | superResolution.scale
            {"dataset": "digits", "task": "super-resolution", "superResolution": {"inputNoise": -1}} | superResolution.inputNoise
            {"dataset": "digits", "superResolution": {"scale": 2}}               | superResolution
            {"dataset": "digits", "task": "super-resolution", "model": {"architecture": "dcgan"}} | model.architecture
            {"dataset": "digits", "model": {"architecture": "srresnet"}}         | model.architecture
            {"dataset": "grid25", "task": "super-resolution"}                    | task
            """)
    void a_bad_spec_is_a_400_problem_naming_the_field_and_creates_nothing(String body, String field) {
        long before = jobCount();

        Http.Response response = http.post("/api/v1/jobs", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:invalid-request");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains(field);
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void every_bad_field_is_reported_at_once() {
        Http.Response response = http.post("/api/v1/jobs", """
                {"dataset": "nope", "training": {"steps": 0, "discriminatorSteps": 500},
                 "optimizer": {"generator": {"beta1": -1}}}
                """);

        assertThat(response.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "dataset", "training.steps", "training.discriminatorSteps", "optimizer.generator.beta1");
    }

    @Test
    void malformed_json_and_a_missing_body_are_400_problems() {
        Http.Response malformed = http.post("/api/v1/jobs", "{\"dataset\": ");
        Http.Response empty = http.post("/api/v1/jobs", "");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");
    }

    @Test
    void the_same_idempotency_key_and_body_return_the_same_job_and_another_body_conflicts() {
        String key = UUID.randomUUID().toString();
        String body = "{\"dataset\": \"ring8\", \"training\": {\"seed\": 3}}";

        Http.Response first = http.post("/api/v1/jobs", body, Map.of("Idempotency-Key", key));
        Http.Response again = http.post("/api/v1/jobs", body, Map.of("Idempotency-Key", key));
        Http.Response other = http.post("/api/v1/jobs", "{\"dataset\": \"grid25\"}", Map.of("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asString())
                .isEqualTo(first.json().get("id").asString());
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("detail").asString()).contains(key);
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE idempotency_key = ?")
                        .param(key)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void listing_pages_newest_first_without_gaps_or_repeats_and_filters_by_state_and_name() {
        String name = "page-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            submitted.add(0, submit("{\"dataset\": \"ring8\", \"name\": \"" + name + "\"}"));
        }
        http.post("/api/v1/jobs/" + submitted.get(0) + "/cancel", null);

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = http.get(
                            "/api/v1/jobs?name=" + name + "&pageSize=3" + (token == null ? "" : "&pageToken=" + token))
                    .json();
            page.get("jobs").forEach(j -> seen.add(j.get("id").asString()));
            token = page.hasNonNull("nextPageToken") ? page.get("nextPageToken").asString() : null;
            pages++;
        } while (token != null);

        assertThat(seen).isEqualTo(submitted);
        assertThat(pages).isEqualTo(3);
        JsonNode cancelled = http.get("/api/v1/jobs?name=" + name + "&state=CANCELLED")
                .json()
                .get("jobs");
        assertThat(cancelled).hasSize(1);
        assertThat(cancelled.get(0).get("id").asString()).isEqualTo(submitted.get(0));
    }

    @Test
    void bad_query_and_path_values_are_400_problems_naming_them() {
        assertField(http.get("/api/v1/jobs?state=SLEEPING"), 400, "state");
        assertField(http.get("/api/v1/jobs?pageSize=0"), 400, "pageSize");
        assertField(http.get("/api/v1/jobs?pageToken=garbage"), 400, "pageToken");
        assertField(http.get("/api/v1/jobs/not-a-uuid"), 400, "id");
        String id = submit("{\"dataset\": \"ring8\"}");
        assertField(http.get("/api/v1/jobs/" + id + "/metrics?maxPoints=1"), 400, "maxPoints");
        assertField(http.get("/api/v1/jobs/" + id + "/checkpoints/abc"), 400, "step");
    }

    @Test
    void unknown_jobs_and_artifacts_are_404_problems() {
        String unknown = UUID.randomUUID().toString();
        for (String path : List.of("", "/metrics", "/checkpoints", "/samples", "/checkpoints/10", "/samples/10")) {
            Http.Response response = http.get("/api/v1/jobs/" + unknown + path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
        }
        String id = submit("{\"dataset\": \"ring8\"}");
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints/10").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints").json()).isEmpty();
    }

    @Test
    void a_queued_job_is_cancelled_at_once_and_can_be_resumed_as_a_new_attempt() {
        String id = submit("{\"dataset\": \"ring8\"}");

        JsonNode cancelled = http.post("/api/v1/jobs/" + id + "/cancel", null).json();
        Http.Response again = http.post("/api/v1/jobs/" + id + "/cancel", null);
        JsonNode resumed = http.post("/api/v1/jobs/" + id + "/resume", null).json();
        Http.Response resumeQueued = http.post("/api/v1/jobs/" + id + "/resume", null);

        assertThat(cancelled.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.hasNonNull("finishedAt")).isTrue();
        assertThat(again.status()).isEqualTo(200);
        assertThat(resumed.get("state").asString()).isEqualTo("QUEUED");
        assertThat(resumed.get("attempt").asInt()).isEqualTo(2);
        assertThat(resumeQueued.status()).isEqualTo(409);
        Set<String> events = new HashSet<>(jdbc.sql("SELECT type FROM job_events WHERE job_id = ?::uuid")
                .param(id)
                .query(String.class)
                .list());
        assertThat(events).contains("SUBMITTED", "CANCELLED", "RESUMED");
    }

    @Test
    void a_finished_job_cannot_be_cancelled() {
        String id = submit("{\"dataset\": \"ring8\"}");
        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = ?::uuid")
                .param(id)
                .update();

        Http.Response response = http.post("/api/v1/jobs/" + id + "/cancel", null);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("detail").asString()).contains("SUCCEEDED");
    }

    @Test
    void the_openapi_document_and_health_are_served() {
        Http.Response apiDocs = http.get("/v3/api-docs");
        assertThat(apiDocs.status()).isEqualTo(200);
        assertThat(apiDocs.json().get("paths").has("/api/v1/jobs/{id}/metrics")).isTrue();
        assertThat(http.get("/actuator/health/readiness").json().get("status").asString())
                .isEqualTo("UP");
        assertThat(new String(http.get("/actuator/prometheus").bytes())).contains("jvm_memory_used_bytes");
    }

    private String submit(String body) {
        Http.Response response = http.post("/api/v1/jobs", body);
        assertThat(response.status()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private long jobCount() {
        return jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
    }

    private static void assertField(Http.Response response, int status, String field) {
        assertThat(response.status()).as(field).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains(field);
    }
}
