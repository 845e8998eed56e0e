package dev.gantry.sweep;

import static dev.gantry.sweep.SweepApiTest.fields;
import static dev.gantry.sweep.SweepApiTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.job.JobService;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PBT through the API on the real server and PostgreSQL, without workers: the test plays the
 * workers (jobs set running, evaluation points and checkpoints written as a run writes them) and
 * runs the driver's passes itself, with drivers made afresh each time as after a restart, so every
 * decision is taken on values chosen here.
 */
@GantryIntegrationTest
// As in SweepApiTest: the server's own driver must not take the sweep's lock during a test's pass.
@TestPropertySource(properties = "gantry.sweeps.interval=1h")
class PbtApiTest {

    static final String BASE = """
            {"dataset": "ring8", "model": {"hiddenUnits": 16, "hiddenLayers": 1},
             "training": {"steps": 300, "seed": 11},
             "evaluation": {"everySteps": 50, "samples": 500}}
            """;

    static final String SPACE = """
            {"optimizer.generator.learningRate": {"min": 1e-5, "max": 1e-2, "scale": "log"},
             "loss.adversarial.type": {"values": ["non-saturating", "hinge", "least-squares"]}}
            """;

    @LocalServerPort
    int port;

    @Autowired
    MetricWriter metrics;

    @Autowired
    Artifacts artifacts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SweepRepository repository;

    @Autowired
    JobService jobService;

    @Autowired
    JsonMapper json;

    @Autowired
    PlatformTransactionManager transactions;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private String pbtSweep(String name, String base, String space, String rest) {
        return """
                {"name": "%s", "strategy": "pbt", "population": 4, "randomSeed": 21, "base": %s, "space": %s,
                 "objective": {"metric": "eval/high-quality", "goal": "max"}%s}
                """.formatted(name, base, space, rest);
    }

    @Test
    void invalid_pbt_settings_are_refused_whole_naming_each_field() {
        String name = unique("pbt-bad");
        Http.Response refused = http.post("/api/v1/sweeps", """
                {"name": "%s", "strategy": "pbt", "population": 1, "seeds": 2, "samples": 4,
                 "base": {"dataset": "ring8", "training": {"steps": 300}, "evaluation": {"everySteps": 50}},
                 "space": {"model.hiddenUnits": {"values": [16, 32]}, "training.steps": {"values": [200]},
                           "optimizer.generator.learningRate": {"min": 1e-5, "max": 1e-2, "scale": "log"}},
                 "objective": {"metric": "eval/modes", "goal": "max"},
                 "earlyStopping": {"type": "asha"},
                 "pbt": {"quantile": 0.7, "perturbFactors": [0.8, -1], "resampleProbability": 2, "quorum": 1}}
                """.formatted(name));
        assertThat(refused.status()).as(new String(refused.bytes())).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(fields(refused))
                .containsExactlyInAnyOrder(
                        "population",
                        "seeds",
                        "samples",
                        "earlyStopping",
                        "pbt.quantile",
                        "pbt.perturbFactors",
                        "pbt.resampleProbability",
                        "pbt.quorum",
                        "space[\"model.hiddenUnits\"]",
                        "space[\"training.steps\"]");
        assertThat(refused.json().toString()).contains("forks, which keep model as it is in the base");

        // The checkpoints must fall on the decision steps (every 2 × 50 = 100) and be kept.
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(
                pbtSweep(
                        name,
                        BASE.replace("\"training\"", "\"checkpoints\": {\"everySteps\": 30}, \"training\""),
                        SPACE,
                        ", \"pbt\": {\"intervalEvaluations\": 2}"),
                "base.checkpoints.everySteps");
        bodies.put(
                pbtSweep(
                        name,
                        BASE.replace("\"training\"", "\"checkpoints\": {\"keepLast\": 2}, \"training\""),
                        SPACE,
                        ""),
                "base.checkpoints.keepLast");
        bodies.put(pbtSweep(name, BASE, SPACE, ", \"pbt\": {\"intervalEvaluations\": 6}"), "pbt.intervalEvaluations");
        bodies.put(pbtSweep(name, BASE, SPACE, ", \"budget\": {\"steps\": 1000}"), "budget.steps");
        bodies.put(pbtSweep(name, BASE, SPACE, ", \"budget\": {\"trials\": 3}"), "budget.trials");
        bodies.put(pbtSweep(name, BASE, SPACE, "").replace("\"population\": 4", "\"population\": 65"), "population");
        String pbtStrategy = "\"strategy\": \"pbt\", \"population\": 4";
        bodies.put(
                pbtSweep(name, BASE, SPACE, "")
                        .replace(pbtStrategy, "\"strategy\": \"random\", \"samples\": 4, \"population\": 4"),
                "population");
        bodies.put(
                pbtSweep(name, BASE, SPACE, ", \"pbt\": {}")
                        .replace(pbtStrategy, "\"strategy\": \"random\", \"samples\": 4"),
                "pbt");
        bodies.forEach((body, field) -> {
            Http.Response response = http.post("/api/v1/sweeps", body);
            String text = new String(response.bytes());
            assertThat(response.status()).as(body + " -> " + text).isEqualTo(400);
            assertThat(fields(response)).as(body + " -> " + text).containsExactly(field);
        });
        assertThat(jdbc.sql("SELECT count(*) FROM sweeps WHERE name = :name")
                        .param("name", name)
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void the_defaults_checkpoint_at_every_decision_step_and_keep_them_all() {
        JsonNode sweep = http.post(
                        "/api/v1/sweeps",
                        pbtSweep(unique("pbt-defaults"), BASE, SPACE, ", \"pbt\": {\"intervalEvaluations\": 2}"))
                .json();
        assertThat(sweep.at("/request/parallelTrials").asInt()).isEqualTo(4);
        assertThat(sweep.at("/request/pbt").toString())
                .isEqualTo("{\"intervalEvaluations\":2,\"quantile\":0.25,\"perturbFactors\":[0.8,1.2],"
                        + "\"resampleProbability\":0.25,\"quorum\":4}");
        assertThat(sweep.at("/request/base/checkpoints").toString()).isEqualTo("{\"everySteps\":100,\"keepLast\":3}");
        // Decisions at evaluations 2 and 4; the one at 6 would be the last step.
        assertThat(sweep.get("rungs").toString())
                .isEqualTo("[{\"rung\":0,\"evaluations\":2,\"step\":100},{\"rung\":1,\"evaluations\":4,\"step\":200}]");
        assertThat(sweep.get("trials")).hasSize(4);
        for (int m = 0; m < 4; m++) {
            assertThat(sweep.at("/trials/" + m + "/member").asInt()).isEqualTo(m);
            assertThat(sweep.at("/trials/" + m + "/seed").asLong()).isEqualTo(11);
            assertThat(sweep.at("/trials/" + m).has("parent")).isFalse();
        }
        http.post("/api/v1/sweeps/" + sweep.get("id").asString() + "/cancel", "");
    }

    /**
     * Four members report at the first decision step (100) one by one: nothing is decided until
     * the whole population (the default quorum) has reported; then the worst is exploited, its
     * replacement forks the best member's checkpoint at 100 with its values explored, and two
     * sweeps of the same request and values make the same choices. A newcomer at step 200 is
     * judged on arrival once the quorum there is complete.
     */
    @Test
    void the_worst_member_is_replaced_by_an_explored_fork_of_the_best_at_the_decision_step() {
        List<JsonNode> replacements = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            replacements.add(exploitOnce(unique("pbt-run" + run)));
        }
        // The same seed, values and decision: the same parent and explored values.
        assertThat(replacements.get(1).get("params"))
                .isEqualTo(replacements.get(0).get("params"));
        assertThat(replacements.get(1).get("parent"))
                .isEqualTo(replacements.get(0).get("parent"));
    }

    private JsonNode exploitOnce(String name) {
        JsonNode created = http.post(
                        "/api/v1/sweeps",
                        pbtSweep(
                                name,
                                BASE,
                                SPACE,
                                ", \"pbt\": {\"intervalEvaluations\": 2, \"resampleProbability\": 0}"))
                .json();
        String id = created.get("id").asString();
        drive();
        List<UUID> jobs = jobs(id);
        assertThat(jobs).hasSize(4);
        jobs.forEach(this::running);
        double[] atStep100 = {0.9, 0.2, 0.5, 0.7};
        for (int m = 0; m < 3; m++) {
            reach(jobs.get(m), 100, atStep100[m]);
        }
        drive();
        JsonNode sweep = get(id);
        for (int m = 0; m < 3; m++) {
            assertThat(sweep.at("/trials/" + m + "/rungs/0/decision").asString())
                    .isEqualTo("WAITING");
        }
        assertThat(sweep.get("trials")).hasSize(4);

        reach(jobs.get(3), 100, atStep100[3]);
        drive();
        sweep = get(id);
        List<String> decisions = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            decisions.add(sweep.at("/trials/" + m + "/rungs/0/decision").asString());
        }
        assertThat(decisions).containsExactly("CONTINUE", "EXPLOIT", "CONTINUE", "CONTINUE");
        JsonNode loser = http.get("/api/v1/jobs/" + jobs.get(1)).json();
        assertThat(loser.get("state").asString()).isEqualTo("CANCELLING");
        assertThat(loser.at("/failure/reason").asString()).isEqualTo("EXPLOITED");
        assertThat(loser.at("/failure/message").asString())
                .contains("eval/high-quality 0.2 is in the bottom 1 of 4", "replaced by trial 4, a fork of trial 0");
        JsonNode replacement = sweep.at("/trials/4");
        assertThat(replacement.get("member").asInt()).isEqualTo(1);
        assertThat(replacement.get("parent").toString()).isEqualTo("{\"trial\":0,\"step\":100}");
        assertThat(replacement.has("job"))
                .as("waits for the exploited member to stop")
                .isFalse();
        assertExplored(sweep.at("/trials/0/params"), replacement.get("params"));

        // Its member stopped: the replacement is queued as a fork of member 0's checkpoint at 100.
        end(jobs.get(1), "CANCELLED");
        freshDriver().drive();
        sweep = get(id);
        assertThat(sweep.at("/counts/exploited").asInt()).isEqualTo(1);
        UUID fork = UUID.fromString(sweep.at("/trials/4/job").asString());
        JsonNode job = http.get("/api/v1/jobs/" + fork).json();
        assertThat(job.get("name").asString()).isEqualTo(name + "-t4");
        assertThat(job.at("/spec/from/job").asString()).isEqualTo(jobs.get(0).toString());
        assertThat(job.at("/spec/from/step").asLong()).isEqualTo(100);
        assertThat(job.at("/spec/optimizer/generator/learningRate").asDouble())
                .isEqualTo(replacement
                        .at("/params/optimizer.generator.learningRate")
                        .asDouble());
        assertThat(job.at("/spec/loss/adversarial/type").asString())
                .isEqualTo(replacement.at("/params/loss.adversarial.type").asString());
        assertThat(job.at("/spec/training/steps").asLong()).isEqualTo(300);
        // A pass repeated changes nothing and queues nothing twice.
        freshDriver().drive();
        assertThat(get(id).get("trials")).hasSize(5);
        assertThat(submittedJobs(id)).isEqualTo(5);

        // Step 200: three members report and are judged (the quorum counts the fork, still to
        // report, and not the exploited member); the fork, last, is judged on arrival.
        running(fork);
        double[] atStep200 = {0.95, 0, 0.3, 0.8};
        for (int m : new int[] {0, 2, 3}) {
            reach(jobs.get(m), 200, atStep200[m]);
        }
        drive();
        assertThat(get(id).at("/trials/0/rungs/1/decision").asString()).isEqualTo("WAITING");
        reach(fork, 200, 0.85);
        drive();
        sweep = get(id);
        assertThat(sweep.at("/trials/2/rungs/1/decision").asString()).isEqualTo("EXPLOIT");
        assertThat(sweep.at("/trials/4/rungs/0/decision").asString()).isEqualTo("CONTINUE");
        assertThat(sweep.at("/trials/5/parent").toString()).isEqualTo("{\"trial\":0,\"step\":200}");
        assertThat(sweep.at("/trials/5/member").asInt()).isEqualTo(2);

        // Every member ends: the sweep completes, and the analysis names the best final member and its lineage.
        end(jobs.get(2), "CANCELLED");
        drive();
        UUID last = UUID.fromString(get(id).at("/trials/5/job").asString());
        for (UUID j : List.of(jobs.get(0), jobs.get(3), fork, last)) {
            metrics.write(j, 1, List.of(new MetricPoint("eval/high-quality", 300, j.equals(fork) ? 0.97 : 0.5, null)));
            end(j, "SUCCEEDED");
        }
        drive();
        drive();
        assertThat(get(id).get("state").asString()).isEqualTo("COMPLETED");
        JsonNode analysis = http.get("/api/v1/sweeps/" + id + "/analysis").json();
        assertThat(analysis.at("/trials/exploited").asInt()).isEqualTo(2);
        assertThat(analysis.at("/trials/completed").asInt()).isEqualTo(4);
        assertThat(analysis.at("/best/configuration").asInt()).isEqualTo(4);
        assertThat(analysis.at("/best/note").asString()).startsWith("PBT: trial 4 is the best member at the end");
        assertThat(analysis.at("/lineage/0/trial").asInt()).isZero();
        assertThat(analysis.at("/lineage/0/fromStep").asLong()).isZero();
        assertThat(analysis.at("/lineage/1/trial").asInt()).isEqualTo(4);
        assertThat(analysis.at("/lineage/1/fromStep").asLong()).isEqualTo(100);
        assertThat(analysis.at("/lineage/1/params")).isEqualTo(replacement.get("params"));
        assertThat(http.get("/api/v1/sweeps/" + id + "/analysis.png").status()).isEqualTo(200);
        assertThat(new String(http.get("/api/v1/sweeps/" + id + "/analysis.csv").bytes()))
                .contains("\n4,");
        return replacement;
    }

    /**
     * The explore step with no resampling: the rate is the parent's times 0.8 or 1.2 (within the
     * range), the adversarial loss its list neighbour.
     */
    private static void assertExplored(JsonNode parent, JsonNode child) {
        double rate = parent.get("optimizer.generator.learningRate").asDouble();
        double explored = child.get("optimizer.generator.learningRate").asDouble();
        assertThat(explored).isIn(Math.min(1e-2, rate * 0.8), Math.min(1e-2, rate * 1.2));
        List<String> types = List.of("non-saturating", "hinge", "least-squares");
        int from = types.indexOf(parent.get("loss.adversarial.type").asString());
        int to = types.indexOf(child.get("loss.adversarial.type").asString());
        assertThat(to).isIn(Math.max(0, from - 1), Math.min(2, from + 1));
    }

    /**
     * A member that failed before the decision step can no longer report there: the others are
     * judged without waiting for it.
     */
    @Test
    void a_member_that_failed_before_the_step_is_not_waited_for() {
        String id = started(pbtSweep(unique("pbt-dead"), BASE, SPACE, ", \"pbt\": {\"intervalEvaluations\": 2}"));
        List<UUID> jobs = jobs(id);
        end(jobs.get(3), "FAILED");
        reach(jobs.get(0), 100, 0.1);
        reach(jobs.get(1), 100, 0.6);
        drive();
        assertThat(get(id).at("/trials/0/rungs/0/decision").asString()).isEqualTo("WAITING");
        reach(jobs.get(2), 100, 0.4);
        drive();
        JsonNode sweep = get(id);
        assertThat(sweep.at("/trials/0/rungs/0/decision").asString()).isEqualTo("EXPLOIT");
        assertThat(sweep.at("/trials/1/rungs/0/decision").asString()).isEqualTo("CONTINUE");
        assertThat(sweep.at("/trials/4/parent/trial").asInt()).isEqualTo(1);
        http.post("/api/v1/sweeps/" + id + "/cancel", "");
    }

    /** Fresh drivers racing over the decision and then the submit: one replacement, one job for it. */
    @Test
    void drivers_racing_each_other_replace_a_member_once() throws Exception {
        String id = started(pbtSweep(unique("pbt-race"), BASE, SPACE, ", \"pbt\": {\"intervalEvaluations\": 2}")
                .replace("\"population\": 4", "\"population\": 2"));
        List<UUID> jobs = jobs(id);
        reach(jobs.get(0), 100, 0.9);
        reach(jobs.get(1), 100, 0.2);
        SweepApiTest.race(List.of(freshDriver(), freshDriver(), freshDriver()));
        end(jobs.get(1), "CANCELLED");
        SweepApiTest.race(List.of(freshDriver(), freshDriver(), freshDriver()));
        JsonNode sweep = get(id);
        assertThat(sweep.get("trials")).hasSize(3);
        assertThat(sweep.at("/trials/1/rungs")).hasSize(1);
        assertThat(sweep.at("/trials/2/parent/trial").asInt()).isZero();
        assertThat(jobs(id)).hasSize(3);
        assertThat(submittedJobs(id)).isEqualTo(3);
        http.post("/api/v1/sweeps/" + id + "/cancel", "");
    }

    /** Jobs submitted under the sweep's idempotency keys: one per trial, however many passes. */
    private int submittedJobs(String id) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE idempotency_key LIKE :key")
                .param("key", "sweep-" + id + "-%")
                .query(Integer.class)
                .single();
    }

    /** Creates the sweep, submits its members and sets their jobs running, as claimed by workers. */
    private String started(String body) {
        String id = http.post("/api/v1/sweeps", body).json().get("id").asString();
        drive();
        jobs(id).forEach(this::running);
        return id;
    }

    private void drive() {
        freshDriver().drive();
    }

    /** A driver made afresh, as a restarted server's: every pass works from the rows alone. */
    private SweepDriver freshDriver() {
        return new SweepDriver(repository, jobService, json, transactions, new SimpleMeterRegistry());
    }

    private JsonNode get(String id) {
        return http.get("/api/v1/sweeps/" + id).json();
    }

    private List<UUID> jobs(String id) {
        List<UUID> out = new ArrayList<>();
        get(id).get("trials").forEach(t -> {
            if (t.has("job")) {
                out.add(UUID.fromString(t.get("job").asString()));
            }
        });
        return out;
    }

    /** As a worker's claim leaves it. */
    private void running(UUID job) {
        jdbc.sql("""
                        UPDATE jobs SET state = 'RUNNING', worker_id = 'test-worker',
                                        lease_expires_at = now() + interval '1 hour' WHERE id = :id
                        """).param("id", job).update();
    }

    /** As a run writes a step: its evaluation, then its checkpoint. */
    private void reach(UUID job, long step, double value) {
        assertThat(metrics.write(job, 1, List.of(new MetricPoint("eval/high-quality", step, value, null))))
                .isTrue();
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, job, 1, step, new byte[] {(byte) step}, 10))
                .isTrue();
    }

    /** As a worker ends it; a cancel's reason stays as the worker leaves it. */
    private void end(UUID job, String state) {
        jdbc.sql("UPDATE jobs SET state = :state, finished_at = now(), updated_at = now() WHERE id = :id")
                .param("state", state)
                .param("id", job)
                .update();
    }
}
