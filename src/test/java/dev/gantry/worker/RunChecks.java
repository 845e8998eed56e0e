package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.JobSpec;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the fault tests check of a job that was interrupted: its events, where each run started, its curves. */
final class RunChecks {

    /** A job small and quick, long enough to be interrupted, checkpointed every 1000 steps; {@code %s} is its name. */
    static final String SPEC = """
            {"name": "%s", "dataset": "ring8",
             "model": {"hiddenUnits": 64, "hiddenLayers": 2},
             "training": {"steps": 6000, "batchSize": 64, "seed": 42},
             "checkpoints": {"everySteps": 1000, "keepLast": 2},
             "evaluation": {"everySteps": 3000, "samples": 500}}
            """;

    /** Uninterrupted runs, trained once per config and test JVM (specs that differ only by name share one). */
    private static final Map<TrainingConfig, Map<Long, double[]>> REFERENCES = new ConcurrentHashMap<>();

    private RunChecks() {}

    /**
     * Every step of the stored curve appears exactly once and equals, bit for bit, the same spec
     * trained without interruption here in the test JVM (libtorch on one thread in both).
     *
     * @return the number of steps compared
     */
    static int assertCurveEqualsUninterruptedRun(Http http, JsonMapper json, String id, int steps) {
        JsonNode spec = http.get("/api/v1/jobs/" + id).json().get("spec");
        Map<Long, double[]> expected = reference(TrainingConfigs.from(json.treeToValue(spec, JobSpec.class)));
        JsonNode metrics = http.get("/api/v1/jobs/" + id + "/metrics?names=loss/d,loss/g&maxPoints=20000")
                .json();
        List<JsonNode> d = Jobs.series(metrics, "loss/d");
        List<JsonNode> g = Jobs.series(metrics, "loss/g");
        assertThat(d).hasSize(steps);
        assertThat(g).hasSize(steps);
        for (int i = 0; i < steps; i++) {
            long step = i + 1;
            assertThat(d.get(i).get("step").asLong()).isEqualTo(step);
            assertThat(g.get(i).get("step").asLong()).isEqualTo(step);
            double[] want = expected.get(step);
            assertThat(d.get(i).get("value").asDouble())
                    .as("loss/d at step %d", step)
                    .isEqualTo(want[0]);
            assertThat(g.get(i).get("value").asDouble())
                    .as("loss/g at step %d", step)
                    .isEqualTo(want[1]);
        }
        System.out.printf("job %s: %d steps of loss/d and loss/g bitwise equal to the uninterrupted run%n", id, steps);
        return steps;
    }

    private static synchronized Map<Long, double[]> reference(TrainingConfig config) {
        return REFERENCES.computeIfAbsent(config, c -> {
            Map<Long, double[]> losses = new TreeMap<>();
            GanTraining.run(c, null, new TrainingListener() {
                @Override
                public void onStep(long step, Map<String, Double> metrics) {
                    losses.put(step, new double[] {metrics.get("loss/d"), metrics.get("loss/g")});
                }
            });
            return losses;
        });
    }

    static List<String> events(JdbcClient jdbc, String id) {
        return jdbc.sql("SELECT type FROM job_events WHERE job_id = ?::uuid ORDER BY id")
                .param(id)
                .query(String.class)
                .list();
    }

    /** The step each run of the job started from, in order (0: from scratch). */
    static List<Long> startedFrom(JdbcClient jdbc, String id) {
        return jdbc.sql(
                        "SELECT (detail->>'fromStep')::bigint FROM job_events WHERE job_id = ?::uuid AND type = 'STARTED' ORDER BY id")
                .param(id)
                .query(Long.class)
                .list();
    }
}
