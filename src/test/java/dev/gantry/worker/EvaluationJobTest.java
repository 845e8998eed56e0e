package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Evaluation through a real worker process: checkpoints kept by metric across a drained and
 * resumed run, their values listed with them and {@code step=best} for export; every eval value
 * stored with its protocol; two jobs compared, with a protocol mismatch flagged and refused on
 * request; an image job's pixel statistics.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.worker.jvm-options=-Xmx512m",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.scheduler.reaper-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class EvaluationJobTest {

    static final String HQ = "eval/high-quality";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore store;

    private String submit(Http http, String body) {
        JsonNode job = http.post("/api/v1/jobs", body).json();
        assertThat(job.has("id")).as("%s", job).isTrue();
        return job.get("id").asString();
    }

    @Test
    void keep_best_keeps_the_best_steps_across_a_resume_and_protocols_travel_with_the_values() throws Exception {
        Http http = new Http(port);
        String id = submit(http, """
                {"name": "keep-best", "dataset": "ring8", "training": {"steps": 1500, "seed": 3},
                 "checkpoints": {"everySteps": 100, "keepLast": 1,
                                 "keepBest": {"metric": "eval/high-quality", "count": 2}},
                 "evaluation": {"everySteps": 100, "samples": 500}}
                """);
        Jobs.await(http, id, j -> j.get("step").asLong() >= 550, Duration.ofMinutes(3));
        ProcessHandle.of(Workers.pid(jdbc, id)).orElseThrow().destroy(); // SIGTERM: checkpoint, hand back
        JsonNode done = Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(4));
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(done.at("/spec/checkpoints/keepBest/goal").asString())
                .as("the metric's own direction")
                .isEqualTo("max");

        JsonNode metrics = http.get("/api/v1/jobs/" + id + "/metrics?names=" + HQ + ",loss/d&maxPoints=20000")
                .json();
        List<JsonNode> hq = Jobs.series(metrics, HQ);
        assertThat(hq).extracting(p -> p.get("step").asLong()).containsExactlyElementsOf(steps(100, 1500, 100));
        // Best two by value, the earlier step among equals; plus the latest.
        List<JsonNode> ranked = new ArrayList<>(hq);
        ranked.sort(Comparator.comparingDouble((JsonNode p) -> -p.get("value").asDouble())
                .thenComparingLong(p -> p.get("step").asLong()));
        Set<Long> expected = new TreeSet<>(List.of(1500L));
        expected.add(ranked.get(0).get("step").asLong());
        expected.add(ranked.get(1).get("step").asLong());
        System.out.println("eval/high-quality: "
                + hq.stream()
                        .map(p -> p.get("step").asLong() + "=" + p.get("value").asDouble())
                        .collect(Collectors.joining(" "))
                + " -> kept " + expected);

        JsonNode checkpoints = http.get("/api/v1/jobs/" + id + "/checkpoints").json();
        Set<Long> kept = new TreeSet<>();
        checkpoints.forEach(c -> kept.add(c.get("step").asLong()));
        assertThat(kept).isEqualTo(expected);
        assertThat(store.list("jobs/" + id + "/checkpoints/"))
                .as("the objects of pruned checkpoints are gone too")
                .hasSize(expected.size());
        long best = ranked.get(0).get("step").asLong();
        for (JsonNode c : checkpoints) {
            long step = c.get("step").asLong();
            double value = hq.stream()
                    .filter(p -> p.get("step").asLong() == step)
                    .findFirst()
                    .orElseThrow()
                    .get("value")
                    .asDouble();
            assertThat(c.at("/metrics/" + "eval~1high-quality").asDouble()).isEqualTo(value);
            assertThat(c.at("/metrics/eval~1modes").isNumber()).isTrue();
            assertThat(c.get("best").asBoolean()).isEqualTo(step == best);
        }
        Http.Response export = http.get("/api/v1/jobs/" + id + "/export?step=best");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("Content-Disposition")).contains("step-" + best + ".zip");
        Http.Response bogus = http.get("/api/v1/jobs/" + id + "/export?step=good");
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.json().at("/errors/0/field").asString()).isEqualTo("step");

        // The protocol of every eval value; none for a loss.
        String protocolId = hq.get(0).get("protocol").asString();
        assertThat(hq).allSatisfy(p -> assertThat(p.get("protocol").asString()).isEqualTo(protocolId));
        assertThat(Jobs.series(metrics, "loss/d").get(0).has("protocol")).isFalse();
        JsonNode protocol = metrics.at("/protocols/" + protocolId);
        assertThat(protocol.get("generated").asInt()).isEqualTo(500);
        assertThat(protocol.get("referenceSplit").asString()).isEqualTo("modes");
        assertThat(protocol.get("referenceCount").asInt()).isEqualTo(8);
        assertThat(protocol.get("imageFormat").asString()).isEqualTo("float32 points");

        // Another job measured on 600 samples: not comparable, flagged, refused when asked to be strict.
        String other = submit(http, """
                {"name": "other-n", "dataset": "ring8", "training": {"steps": 200, "seed": 4},
                 "evaluation": {"everySteps": 100, "samples": 600}}
                """);
        String same = submit(http, """
                {"name": "same-n", "dataset": "ring8", "training": {"steps": 200, "seed": 5},
                 "evaluation": {"everySteps": 100, "samples": 500}}
                """);
        Jobs.await(http, other, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        Jobs.await(http, same, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        JsonNode mismatch = http.get("/api/v1/jobs/" + id + "/compare/" + other).json();
        JsonNode hqRow = row(mismatch, HQ);
        assertThat(hqRow.get("comparable").asBoolean()).isFalse();
        assertThat(hqRow.get("differences").get(0).asString()).isEqualTo("generated");
        assertThat(hqRow.at("/job/step").asLong()).isEqualTo(1500);
        assertThat(hqRow.at("/other/step").asLong()).isEqualTo(200);
        Http.Response strict = http.get("/api/v1/jobs/" + id + "/compare/" + other + "?sameProtocol=true");
        assertThat(strict.status()).isEqualTo(409);
        assertThat(strict.json().get("detail").asString()).contains("eval/high-quality (generated)");
        JsonNode match = http.get("/api/v1/jobs/" + id + "/compare/" + same + "?sameProtocol=true&names=" + HQ)
                .json();
        assertThat(row(match, HQ).get("comparable").asBoolean()).isTrue();
        assertThat(match.get("metrics")).hasSize(1);
        assertThat(http.get("/api/v1/jobs/" + id + "/compare/" + same + "?names=loss/d")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void an_image_job_without_a_feature_network_gets_the_pixel_statistics_with_their_protocol() throws Exception {
        Http http = new Http(port);
        String id = submit(http, """
                {"name": "pixels", "dataset": "digits", "data": {"resolution": 32},
                 "model": {"architecture": "dcgan", "latentDim": 16, "width": 8},
                 "training": {"steps": 60, "batchSize": 16, "seed": 2},
                 "checkpoints": {"everySteps": 30, "keepLast": 1,
                                 "keepBest": {"metric": "eval/pixel-mean-gap", "count": 1}},
                 "evaluation": {"everySteps": 30, "samples": 200}}
                """);
        Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        JsonNode metrics = http.get("/api/v1/jobs/" + id + "/metrics?names=eval/pixel-mean-gap,eval/pixel-std")
                .json();
        assertThat(metrics.get("available")
                        .valueStream()
                        .map(JsonNode::asString)
                        .filter(n -> n.startsWith("eval/")))
                .containsExactlyInAnyOrder(
                        "eval/pixel-mean", "eval/pixel-mean-gap", "eval/pixel-std", "eval/pixel-std-gap");
        List<JsonNode> gap = Jobs.series(metrics, "eval/pixel-mean-gap");
        assertThat(gap).extracting(p -> p.get("step").asLong()).containsExactly(30L, 60L);
        JsonNode protocol =
                metrics.at("/protocols/" + gap.get(0).get("protocol").asString());
        assertThat(protocol.get("imageFormat").asString()).isEqualTo("uint8 1x32x32");
        assertThat(protocol.get("resize").asString()).isEqualTo("none");
        assertThat(protocol.has("featureNetworkSha256")).isFalse();
        assertThat(protocol.get("generated").asInt()).isEqualTo(200);
        assertThat(protocol.get("referenceCount").asInt()).isEqualTo(200);
        long best =
                gap.get(0).get("value").asDouble() <= gap.get(1).get("value").asDouble() ? 30 : 60;
        Set<Long> kept = new TreeSet<>();
        http.get("/api/v1/jobs/" + id + "/checkpoints")
                .json()
                .forEach(c -> kept.add(c.get("step").asLong()));
        assertThat(kept).containsExactlyInAnyOrderElementsOf(new TreeSet<>(List.of(60L, best)));
    }

    private static JsonNode row(JsonNode comparison, String name) {
        for (JsonNode m : comparison.get("metrics")) {
            if (m.get("name").asString().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " not in " + comparison);
    }

    private static List<Long> steps(long from, long to, long every) {
        List<Long> steps = new ArrayList<>();
        for (long s = from; s <= to; s += every) {
            steps.add(s);
        }
        return steps;
    }
}
