package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** What a spec may say about evaluation and checkpoints kept by metric, checked before anything is stored. */
@GantryIntegrationTest
class EvaluationSpecTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private Map<String, String> errors(String body) {
        long before = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
        Http.Response r = new Http(port).post("/api/v1/jobs", body);
        assertThat(r.status()).as("%s", new String(r.bytes())).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single())
                .as("nothing stored")
                .isEqualTo(before);
        Map<String, String> byField = new HashMap<>();
        r.json()
                .get("errors")
                .forEach(e ->
                        byField.put(e.get("field").asString(), e.get("message").asString()));
        return byField;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "FID without a network | digits | {\"metric\": \"eval/fid\"} | | checkpoints.keepBest.metric | need evaluation.featureNetwork",
                "a metric points do not report | ring8 | {\"metric\": \"eval/pixel-mean-gap\"} | | checkpoints.keepBest.metric | [eval/modes, eval/high-quality, eval/spread, eval/sliced-wasserstein]",
                "swissroll has no modes | swissroll | {\"metric\": \"eval/modes\"} | | checkpoints.keepBest.metric | reports [eval/sliced-wasserstein]",
                "a goal of neither | ring8 | {\"metric\": \"eval/modes\", \"goal\": \"up\"} | | checkpoints.keepBest.goal | one of [max, min]",
                "no goal for a metric without one | digits | {\"metric\": \"eval/pixel-mean\"} | | checkpoints.keepBest.goal | min or max",
                "count 0 | ring8 | {\"metric\": \"eval/modes\", \"count\": 0} | | checkpoints.keepBest.count | between 1 and 100",
                "no metric | ring8 | {\"count\": 2} | | checkpoints.keepBest.metric | is required",
                "checkpoints between evaluations | ring8 | {\"metric\": \"eval/modes\"} | 150 | checkpoints.keepBest | multiple of evaluation.everySteps (100)",
            })
    void keep_best_is_refused_naming_the_field(
            String name, String dataset, String keepBest, Long checkpointEvery, String field, String message) {
        String checkpoints = "{\"everySteps\": " + (checkpointEvery == null ? 100 : checkpointEvery)
                + ", \"keepBest\": " + keepBest + "}";
        Map<String, String> errors = errors("{\"dataset\": \"" + dataset + "\", \"checkpoints\": " + checkpoints
                + ", \"evaluation\": {\"everySteps\": 100}, \"training\": {\"steps\": 1000}}");
        assertThat(errors).containsKey(field);
        assertThat(errors.get(field)).contains(message);
    }

    @Test
    void a_feature_network_is_refused_until_one_can_be_uploaded_and_never_for_points() {
        Map<String, String> images =
                errors("{\"dataset\": \"digits\", \"evaluation\": {\"featureNetwork\": \"inception\"}}");
        assertThat(images.get("evaluation.featureNetwork")).contains("no feature network 'inception'");
        Map<String, String> points =
                errors("{\"dataset\": \"ring8\", \"evaluation\": {\"featureNetwork\": \"inception\"}}");
        assertThat(points.get("evaluation.featureNetwork")).isNotNull();
    }

    @Test
    void keep_best_takes_the_metric_direction_and_one_checkpoint_by_default() {
        Http.Response r = new Http(port).post("/api/v1/jobs", """
                        {"dataset": "digits", "training": {"steps": 100},
                         "checkpoints": {"everySteps": 50, "keepBest": {"metric": "eval/pixel-std-gap"}},
                         "evaluation": {"everySteps": 25}}
                        """);
        assertThat(r.status()).isEqualTo(201);
        JsonNode best = r.json().at("/spec/checkpoints/keepBest");
        assertThat(best.get("goal").asString()).isEqualTo("min");
        assertThat(best.get("count").asInt()).isEqualTo(1);
        // Out of the shared queue, where another test's worker would train it.
        assertThat(new Http(port)
                        .post("/api/v1/jobs/" + r.json().get("id").asString() + "/cancel", "")
                        .status())
                .isEqualTo(200);
    }
}
