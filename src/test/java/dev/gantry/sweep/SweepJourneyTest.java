package dev.gantry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A sweep as a user runs it, on real parts: the API, the driver in the server, a worker child
 * process training ring8 with DJL. Three generator learning rates, one trial at a time so the
 * order of arrival at the rungs is fixed: a working rate first, then 1e-5 and 1e-6, which leave the
 * generator (nearly) where it started. The objective is the modes captured, which rise before the
 * high-quality fraction does. ASHA with η = 3 and its one rung at the fourth evaluation must stop
 * both bad trials there, and never the best one.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx512m",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms",
            "gantry.sweeps.interval=200ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class SweepJourneyTest {

    @LocalServerPort
    int port;

    @Test
    void asha_stops_the_clearly_worse_trials_at_the_first_rung_and_the_best_runs_to_the_end() throws Exception {
        Http http = new Http(port);
        Http.Response created = http.post("/api/v1/sweeps", """
                {"name": "ring8-glr",
                 "base": {"dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
                          "loss": {"terms": []},
                          "optimizer": {"generator": {"learningRate": 0.001, "beta2": 0.9, "schedule": "constant"},
                                        "discriminator": {"learningRate": 0.001, "beta2": 0.9, "schedule": "constant"}},
                          "training": {"steps": 2000, "batchSize": 128, "seed": 3, "emaDecay": 0},
                          "evaluation": {"everySteps": 250, "samples": 2500}},
                 "space": {"optimizer.generator.learningRate": {"values": [0.001, 0.00001, 0.000001]}},
                 "objective": {"metric": "eval/modes", "goal": "max"},
                 "parallelTrials": 1,
                 "earlyStopping": {"type": "asha", "reductionFactor": 3, "minEvaluations": 4}}
                """);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        JsonNode sweep = created.json();
        String id = sweep.get("id").asString();
        // The rungs, stated in evaluations and in steps: evaluation 4 (step 1000); the next, 12, is past the end.
        assertThat(sweep.get("rungs").toString()).isEqualTo("[{\"rung\":0,\"evaluations\":4,\"step\":1000}]");

        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(6).toNanos();
        while (!sweep.get("state").asString().equals("COMPLETED")) {
            assertThat(System.nanoTime()).as("sweep still %s", sweep).isLessThan(deadline);
            Thread.sleep(250);
            sweep = http.get("/api/v1/sweeps/" + id).json();
        }
        System.out.println("Sweep: " + sweep.get("trials"));

        JsonNode trials = sweep.get("trials");
        List<String> stopped = new ArrayList<>();
        List<Double> atRung0 = new ArrayList<>();
        for (JsonNode t : trials) {
            JsonNode job = http.get("/api/v1/jobs/" + t.get("job").asString()).json();
            JsonNode rung0 = t.at("/rungs/0");
            assertThat(rung0.get("step").asLong()).isEqualTo(1000);
            // The value recorded at the rung is the job's own eval point at step 1000.
            JsonNode curve = http.get(
                            "/api/v1/jobs/" + t.get("job").asString() + "/metrics?names=eval/modes&maxPoints=20000")
                    .json();
            List<JsonNode> points = Jobs.series(curve, "eval/modes");
            double atRung = points.stream()
                    .filter(p -> p.get("step").asLong() == 1000)
                    .findFirst()
                    .orElseThrow()
                    .get("value")
                    .asDouble();
            assertThat(rung0.get("value").asDouble()).isEqualTo(atRung);
            atRung0.add(atRung);
            if ("EARLY_STOPPED".equals(t.path("reason").asString(null))) {
                stopped.add(t.get("trial").asString());
                assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
                assertThat(job.at("/failure/reason").asString()).isEqualTo("EARLY_STOPPED");
                assertThat(job.get("step").asLong()).isLessThan(2000);
                // Its curves stay.
                assertThat(points).isNotEmpty();
            } else {
                assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
            }
        }
        // The rule, replayed here on the recorded values in arrival order: trial i goes on when
        // fewer than max(1, ⌊(i + 1) / 3⌋) earlier values beat it.
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < atRung0.size(); i++) {
            double v = atRung0.get(i);
            long better = atRung0.subList(0, i).stream().filter(e -> e > v).count();
            if (better >= Math.max(1, (i + 1) / 3)) {
                expected.add(String.valueOf(i));
            }
        }
        System.out.printf(
                "ASHA: eval/modes at rung 0 (step 1000) %s; stopped early: trials %s of 3%n", atRung0, stopped);
        assertThat(stopped).isEqualTo(expected).containsExactly("1", "2");

        JsonNode analysis = http.get("/api/v1/sweeps/" + id + "/analysis").json();
        System.out.println("Analysis: " + analysis);
        assertThat(analysis.at("/trials/earlyStopped").asInt()).isEqualTo(2);
        assertThat(analysis.at("/trials/completed").asInt()).isEqualTo(1);
        assertThat(analysis.at("/best/configuration").asInt()).isZero();
        assertThat(stopped).doesNotContain("0");
        assertThat(analysis.at("/best/confidence").asString()).isEqualTo("low");

        Http.Response png = http.get("/api/v1/sweeps/" + id + "/analysis.png");
        assertThat(png.status()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        assertThat(image.getWidth()).isEqualTo(2 * SweepPlot.PANEL_WIDTH);
        Files.write(Path.of("target", "sweep-journey-analysis.png"), png.bytes());
    }
}
