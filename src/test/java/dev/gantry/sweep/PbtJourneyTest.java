package dev.gantry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * PBT as a user runs it, on real parts: the API, the driver in the server, one worker child
 * process training ring8 with DJL. Four members draw the generator's learning rate from 1e-6 to
 * 1e-2 (log); with randomSeed 13 they are 1.2e-3, 2.1e-5, 3.4e-4 and 1.5e-5, so some are clearly
 * worse by the sliced Wasserstein distance at the decision steps. One worker trains the members
 * one after another, so the quorum is 2: a member is judged against those that reached the step
 * before it (the first one waits for the second). Every exploited member must end CANCELLED as
 * {@code EXPLOITED}, every replacement must fork a better member's checkpoint at the decision step
 * with its rate times 0.8 or 1.2, and the sweep must complete.
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
class PbtJourneyTest {

    static final String RATE = "optimizer.generator.learningRate";

    @LocalServerPort
    int port;

    @Test
    void the_worse_members_are_replaced_by_perturbed_forks_of_better_ones_and_the_sweep_completes() throws Exception {
        Http http = new Http(port);
        Http.Response created = http.post("/api/v1/sweeps", """
                {"name": "ring8-pbt", "strategy": "pbt", "population": 4, "randomSeed": 13,
                 "base": {"dataset": "ring8", "model": {"hiddenUnits": 32, "hiddenLayers": 2},
                          "loss": {"terms": []},
                          "optimizer": {"generator": {"learningRate": 0.001, "beta2": 0.9, "schedule": "constant"},
                                        "discriminator": {"learningRate": 0.001, "beta2": 0.9, "schedule": "constant"}},
                          "training": {"steps": 1000, "batchSize": 64, "seed": 3, "emaDecay": 0},
                          "evaluation": {"everySteps": 100, "samples": 500}},
                 "space": {"optimizer.generator.learningRate": {"min": 1e-6, "max": 1e-2, "scale": "log"}},
                 "objective": {"metric": "eval/sliced-wasserstein", "goal": "min"},
                 "pbt": {"intervalEvaluations": 2, "quorum": 2, "resampleProbability": 0}}
                """);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        JsonNode sweep = created.json();
        String id = sweep.get("id").asString();
        assertThat(sweep.at("/request/base/checkpoints").toString()).isEqualTo("{\"everySteps\":200,\"keepLast\":5}");

        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!sweep.get("state").asString().equals("COMPLETED")) {
            assertThat(System.nanoTime()).as("sweep still %s", sweep).isLessThan(deadline);
            Thread.sleep(250);
            sweep = http.get("/api/v1/sweeps/" + id).json();
        }
        JsonNode trials = sweep.get("trials");
        System.out.println("PBT sweep: " + sweep);
        printTable(trials);

        // trial -> decision step -> value recorded there
        Map<Integer, Map<Long, Double>> recorded = new HashMap<>();
        int exploits = 0;
        for (JsonNode t : trials) {
            Map<Long, Double> values = recorded.computeIfAbsent(t.get("trial").asInt(), k -> new HashMap<>());
            for (JsonNode r : t.get("rungs")) {
                values.put(r.get("step").asLong(), r.get("value").asDouble());
                assertThat(r.get("decision").asString()).isIn("CONTINUE", "EXPLOIT", "ENDED");
            }
            JsonNode job = http.get("/api/v1/jobs/" + t.get("job").asString()).json();
            boolean exploited = t.get("rungs").toString().contains("EXPLOIT");
            if (exploited) {
                exploits++;
                assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
                assertThat(job.at("/failure/reason").asString()).isEqualTo("EXPLOITED");
                assertThat(t.get("reason").asString()).isEqualTo("EXPLOITED");
                System.out.println("Exploited trial " + t.get("trial") + ": " + job.get("failure"));
            } else {
                assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
            }
        }
        assertThat(exploits).as("members exploited").isPositive();
        assertThat(sweep.at("/counts/exploited").asInt()).isEqualTo(exploits);
        // One replacement per exploited member, each a fork of a better member at the decision step.
        assertThat(trials).hasSize(4 + exploits);
        for (JsonNode t : trials) {
            if (!t.has("parent")) {
                assertThat(t.get("trial").asInt()).isLessThan(4);
                continue;
            }
            int parent = t.at("/parent/trial").asInt();
            long step = t.at("/parent/step").asLong();
            JsonNode replaced = exploitedAt(trials, t.get("member").asInt(), step);
            assertThat(recorded.get(parent).get(step))
                    .as("trial %s forks trial %d, better at step %d", t.get("trial"), parent, step)
                    .isLessThan(recorded.get(replaced.get("trial").asInt()).get(step));
            JsonNode job = http.get("/api/v1/jobs/" + t.get("job").asString()).json();
            assertThat(job.at("/spec/from/job").asString())
                    .isEqualTo(trials.get(parent).get("job").asString());
            assertThat(job.at("/spec/from/step").asLong()).isEqualTo(step);
            double parentRate = trials.get(parent).get("params").get(RATE).asDouble();
            double rate = t.get("params").get(RATE).asDouble();
            assertThat(rate).isIn(Math.min(1e-2, parentRate * 0.8), Math.min(1e-2, parentRate * 1.2));
            assertThat(job.at("/spec/optimizer/generator/learningRate").asDouble())
                    .isEqualTo(rate);
            // The fork trains the remaining steps only.
            List<JsonNode> curve = Jobs.series(
                    http.get("/api/v1/jobs/" + t.get("job").asString() + "/metrics?names=loss/d&maxPoints=20000")
                            .json(),
                    "loss/d");
            assertThat(curve).isNotEmpty().allMatch(p -> p.get("step").asLong() > step);
        }

        JsonNode analysis = http.get("/api/v1/sweeps/" + id + "/analysis").json();
        System.out.println("PBT analysis: " + analysis);
        assertThat(analysis.at("/trials/exploited").asInt()).isEqualTo(exploits);
        assertThat(analysis.at("/trials/completed").asInt()).isEqualTo(4);
        JsonNode lineage = analysis.get("lineage");
        assertThat(lineage.get(lineage.size() - 1).get("trial").asInt())
                .isEqualTo(analysis.at("/best/configuration").asInt());
        assertThat(lineage.get(0).get("fromStep").asLong()).isZero();
    }

    /** The trial of the member that was exploited at the step. */
    private static JsonNode exploitedAt(JsonNode trials, int member, long step) {
        for (JsonNode t : trials) {
            if (t.get("member").asInt() == member) {
                for (JsonNode r : t.get("rungs")) {
                    if (r.get("step").asLong() == step
                            && r.get("decision").asString().equals("EXPLOIT")) {
                        return t;
                    }
                }
            }
        }
        throw new AssertionError("no trial of member " + member + " was exploited at step " + step);
    }

    private static void printTable(JsonNode trials) {
        System.out.println("trial member parent      learningRate  state      step  decisions");
        for (JsonNode t : trials) {
            StringBuilder decisions = new StringBuilder();
            for (JsonNode r : t.get("rungs")) {
                decisions.append(String.format(
                        "%d:%.3f %s  ",
                        r.get("step").asLong(),
                        r.get("value").asDouble(),
                        r.get("decision").asString()));
            }
            System.out.printf(
                    "%-5d %-6d %-11s %-13.3g %-10s %-5d %s%n",
                    t.get("trial").asInt(),
                    t.get("member").asInt(),
                    t.has("parent")
                            ? t.at("/parent/trial").asInt() + "@"
                                    + t.at("/parent/step").asLong()
                            : "-",
                    t.get("params").get(RATE).asDouble(),
                    t.get("state").asString(),
                    t.get("step").asLong(),
                    decisions);
        }
    }
}
