package dev.gantry.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Forks through the API with a real worker: a fork with the parent's own spec continues the
 * parent's run exactly (the same loss at every step after the checkpoint, which only holds when
 * the networks and the optimizers' moments were loaded), and a fork that changes the loss (another
 * adversarial loss, a term added, other learning rates) trains from the same checkpoint.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx512m",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class ForkTest {

    static final String PARENT = """
            "dataset": "ring8", "model": {"hiddenUnits": 32, "hiddenLayers": 2},
            "loss": {"adversarial": {"type": "non-saturating"}},
            "checkpoints": {"everySteps": 200, "keepLast": 5}, "evaluation": {"everySteps": 200, "samples": 500}
            """;

    @LocalServerPort
    int port;

    @Test
    void a_fork_continues_the_parents_checkpoint_exactly_and_may_change_the_loss() throws Exception {
        Http http = new Http(port);
        String parent = submit(
                http, "{\"name\": \"fork-parent\", " + PARENT + ", \"training\": {\"steps\": 400, \"seed\": 5}}");
        Jobs.await(http, parent, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));

        // Refused before anything is queued: the networks must stay the parent's, the step must exist.
        JsonNode refused = http.post("/api/v1/jobs", """
                        {"dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
                         "training": {"steps": 300, "seed": 5}, "from": {"job": "%s", "step": 300}}
                        """.formatted(parent)).json();
        assertThat(refused.get("status").asInt()).isEqualTo(400);
        assertThat(refused.toString()).contains("\"field\":\"model\"");
        // Another dataset is what is wrong, not the parent's model, which a fork would otherwise inherit.
        JsonNode otherData = http.post("/api/v1/jobs", """
                        {"dataset": "digits", "training": {"steps": 900}, "from": {"job": "%s"}}
                        """.formatted(parent)).json();
        assertThat(otherData.at("/errors/0/field").asString()).isEqualTo("dataset");
        JsonNode badStep = http.post(
                        "/api/v1/jobs",
                        "{" + PARENT + ", \"training\": {\"steps\": 900, \"seed\": 5}," + " \"from\": {\"job\": \""
                                + parent + "\", \"step\": 300}}")
                .json();
        assertThat(badStep.at("/errors/0/field").asString()).isEqualTo("from.step");
        assertThat(badStep.at("/errors/0/message").asString()).contains("[200, 400]");
        JsonNode tooShort = http.post(
                        "/api/v1/jobs",
                        "{" + PARENT + ", \"training\": {\"steps\": 400, \"seed\": 5}," + " \"from\": {\"job\": \""
                                + parent + "\"}}")
                .json();
        assertThat(tooShort.at("/errors/0/field").asString()).isEqualTo("training.steps");
        JsonNode unknown = http.post(
                        "/api/v1/jobs",
                        "{" + PARENT + ", \"training\": {\"steps\": 900}," + " \"from\": {\"job\": \""
                                + UUID.randomUUID() + "\"}}")
                .json();
        assertThat(unknown.at("/errors/0/field").asString()).isEqualTo("from.job");

        // The parent's own spec from step 200: the same run from there on.
        String same = submit(
                http,
                "{\"name\": \"fork-same\", " + PARENT + ", \"training\": {\"steps\": 400, \"seed\": 5},"
                        + " \"from\": {\"job\": \"" + parent + "\", \"step\": 200}}");
        // Another loss, a term added, other learning rates, from the latest checkpoint (step 400).
        String changed = submit(http, """
                {"name": "fork-changed", "dataset": "ring8", "model": {"hiddenUnits": 32, "hiddenLayers": 2},
                 "loss": {"adversarial": {"type": "hinge"}, "terms": [{"type": "dragan", "weight": 0.5}]},
                 "optimizer": {"generator": {"learningRate": 0.0003}, "discriminator": {"learningRate": 0.0003}},
                 "checkpoints": {"everySteps": 200, "keepLast": 5}, "evaluation": {"everySteps": 200, "samples": 500},
                 "training": {"steps": 600, "seed": 5}, "from": {"job": "%s", "step": "latest"}}
                """.formatted(parent));
        JsonNode sameJob =
                Jobs.await(http, same, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        JsonNode changedJob =
                Jobs.await(http, changed, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        // The parent is recorded with the step the fork started from.
        assertThat(sameJob.at("/spec/from/job").asString()).isEqualTo(parent);
        assertThat(sameJob.at("/spec/from/step").asLong()).isEqualTo(200);
        assertThat(changedJob.at("/spec/from/step").asLong()).isEqualTo(400);
        // Hinge's own default would add spectral norm, which the parent's networks lack.
        assertThat(changedJob.at("/spec/model/spectralNorm").asBoolean())
                .as("a fork's model fields left out are its parent's")
                .isFalse();
        assertThat(changedJob.at("/spec/training/discriminatorSteps").asInt()).isEqualTo(5);

        Map<Long, Double> parentLoss = curve(http, parent, "loss/d");
        Map<Long, Double> sameLoss = curve(http, same, "loss/d");
        assertThat(sameLoss.keySet())
                .as("a fork writes from the step after its checkpoint")
                .allMatch(s -> s > 200);
        assertThat(sameLoss).hasSizeGreaterThan(10);
        sameLoss.forEach(
                (step, value) -> assertThat(value).as("loss/d at step %d", step).isEqualTo(parentLoss.get(step)));

        Map<Long, Double> changedLoss = curve(http, changed, "loss/d/dragan");
        assertThat(changedLoss).isNotEmpty();
        assertThat(changedLoss.keySet()).allMatch(s -> s > 400 && s <= 600);
        assertThat(curve(http, changed, "loss/d").keySet()).allMatch(s -> s > 400);
    }

    private static String submit(Http http, String body) {
        Http.Response response = http.post("/api/v1/jobs", body);
        assertThat(response.status()).as(new String(response.bytes())).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static Map<Long, Double> curve(Http http, String job, String name) {
        JsonNode metrics = http.get("/api/v1/jobs/" + job + "/metrics?names=" + name + "&maxPoints=20000")
                .json();
        Map<Long, Double> out = new TreeMap<>();
        List<JsonNode> points = Jobs.series(metrics, name);
        points.forEach(p -> out.put(p.get("step").asLong(), p.get("value").asDouble()));
        return out;
    }
}
