package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worker faults on real parts: two local worker processes, the server's lease reaper, the
 * PostgreSQL queue. Leases are short (4 s instead of 30 s) so a killed worker's job comes back
 * within seconds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=2",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx384m",
            "gantry.scheduler.lease-duration=4s",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.scheduler.reaper-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class WorkerFaultTest {

    @LocalServerPort
    int port;

    @Autowired
    LocalWorkerSupervisor supervisor;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void a_job_whose_worker_is_killed_resumes_on_another_worker_and_reproduces_the_uninterrupted_run_bitwise()
            throws Exception {
        String id = submit("kill-9");
        Jobs.await(http, id, j -> j.get("step").asLong() >= 1300, Duration.ofMinutes(2));
        long victim = Workers.pid(jdbc, id);

        ProcessHandle process = ProcessHandle.of(victim).orElseThrow();
        process.destroyForcibly(); // SIGKILL: no drain, no goodbye
        long killedAt = System.nanoTime();
        process.onExit().get();
        // Training runs faster than progress is reported, so the kill may land past 2000.
        long lastCheckpoint = jdbc.sql("SELECT max(step) FROM checkpoints WHERE job_id = ?::uuid")
                .param(id)
                .query(Long.class)
                .single();
        JsonNode resumed = Jobs.await(
                http,
                id,
                j -> j.get("attempt").asInt() == 2 && j.get("state").asString().equals("RUNNING"),
                Duration.ofSeconds(60));
        double recovery = (System.nanoTime() - killedAt) / 1e9;
        long resumedBy = Workers.pid(jdbc, id);
        System.out.printf("kill -9 → job running again on worker %d after %.2f s%n", resumedBy, recovery);

        assertThat(resumedBy).isNotEqualTo(victim);
        assertThat(recovery).isLessThan(20);
        JsonNode done = Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        // Taken back by the supervisor, which saw its child exit, not by the reaper after the lease.
        assertThat(RunChecks.events(jdbc, id)).containsSubsequence("CLAIMED", "WORKER_EXITED", "CLAIMED", "SUCCEEDED");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(lastCheckpoint).isBetween(1000L, 5000L);
        assertThat(RunChecks.startedFrom(jdbc, id))
                .as("attempt 1 from scratch, attempt 2 from the last checkpoint before the kill")
                .containsExactly(0L, lastCheckpoint);
        RunChecks.assertCurveEqualsUninterruptedRun(http, json, id, 6000);
    }

    @Test
    void a_frozen_worker_that_wakes_after_losing_its_lease_writes_nothing_more_for_the_job() throws Exception {
        String id = submit("sigstop");
        Jobs.await(http, id, j -> j.get("step").asLong() >= 1300, Duration.ofMinutes(2));
        long frozen = Workers.pid(jdbc, id);

        signal("STOP", frozen); // a long GC pause, a partition: alive but silent
        try {
            Jobs.await(
                    http,
                    id,
                    j -> j.get("attempt").asInt() == 2
                            && j.get("state").asString().equals("RUNNING"),
                    Duration.ofSeconds(60));
        } finally {
            signal("CONT", frozen);
        }
        JsonNode done = Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));

        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(ProcessHandle.of(frozen))
                .as("the woken worker lives on, idle")
                .isPresent();
        List<Integer> attemptsAfterExpiry =
                jdbc.sql("""
                        SELECT attempt FROM job_events WHERE job_id = ?::uuid
                           AND id > (SELECT id FROM job_events WHERE job_id = ?::uuid AND type = 'LEASE_EXPIRED')
                        """).params(id, id).query(Integer.class).list();
        assertThat(attemptsAfterExpiry).isNotEmpty().containsOnly(2);
        List<Integer> checkpointAttempts = jdbc.sql("SELECT attempt FROM checkpoints WHERE job_id = ?::uuid")
                .param(id)
                .query(Integer.class)
                .list();
        assertThat(checkpointAttempts).containsOnly(2);
        RunChecks.assertCurveEqualsUninterruptedRun(http, json, id, 6000);
    }

    @Test
    void sigterm_checkpoints_and_hands_the_job_back_at_once_and_the_restarted_worker_finishes_it() throws Exception {
        String id = submit("sigterm");
        Jobs.await(http, id, j -> j.get("step").asLong() >= 1500, Duration.ofMinutes(2));
        long worker = Workers.pid(jdbc, id);

        ProcessHandle.of(worker).orElseThrow().destroy(); // SIGTERM
        long signalledAt = System.nanoTime();
        JsonNode released = Jobs.await(http, id, j -> j.get("attempt").asInt() == 2, Duration.ofSeconds(30));
        double handBack = (System.nanoTime() - signalledAt) / 1e9;
        System.out.printf(
                "SIGTERM → job handed back (attempt 2, %s) after %.2f s%n",
                released.get("state").asString(), handBack);

        // Handed back by the worker itself, not found later by the reaper.
        assertThat(RunChecks.events(jdbc, id))
                .containsSubsequence("CLAIMED", "RELEASED")
                .doesNotContain("LEASE_EXPIRED");
        // Attempt 2 may already be running and checkpointing, so read what attempt 1 wrote.
        long drainedAt = jdbc.sql("SELECT max(step) FROM checkpoints WHERE job_id = ?::uuid AND attempt = 1")
                .param(id)
                .query(Long.class)
                .single();
        assertThat(drainedAt)
                .as("the drain wrote a checkpoint where it stopped")
                .isGreaterThanOrEqualTo(1500);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (supervisor.workerPids().contains(worker)
                || supervisor.workerPids().size() < 2) {
            assertThat(System.nanoTime())
                    .as("supervisor restarts the stopped worker")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        assertThat(RunChecks.startedFrom(jdbc, id)).containsExactly(0L, drainedAt);
        RunChecks.assertCurveEqualsUninterruptedRun(http, json, id, 6000);
    }

    @Test
    void a_diverging_job_fails_with_reason_and_step_keeps_its_last_good_checkpoint_and_can_be_resumed()
            throws Exception {
        // A deep critic, Adam reduced to sign descent at a large rate that the gradient penalty
        // cannot hold: the critic's output overflows float32 within a hundred steps,
        // deterministically for this seed.
        String id = http.post("/api/v1/jobs", """
                {"name": "diverges", "dataset": "ring8", "loss": {"adversarial": {"type": "wasserstein"},
                          "terms": [{"type": "gradient-penalty", "weight": 10}]},
                 "model": {"hiddenUnits": 64, "hiddenLayers": 12},
                 "optimizer": {"generator": {"learningRate": 0.1, "beta1": 0.0, "beta2": 0.0},
                               "discriminator": {"learningRate": 0.1, "beta1": 0.0, "beta2": 0.0}},
                 "training": {"steps": 1000, "batchSize": 64, "discriminatorSteps": 1, "seed": 7},
                 "checkpoints": {"everySteps": 20, "keepLast": 3}}
                """).json().get("id").asString();

        JsonNode failed = Jobs.awaitState(http, id, "FAILED", Duration.ofMinutes(2));
        assertThat(failed.at("/failure/reason").asString()).isEqualTo("DIVERGED");
        long divergedAt = failed.at("/failure/step").asLong();
        assertThat(failed.at("/failure/message").asString()).containsAnyOf("NaN", "Infinity");
        List<Long> checkpoints = checkpointSteps(id);
        assertThat(checkpoints).isNotEmpty().allMatch(step -> step < divergedAt);
        long lastGood = checkpoints.get(checkpoints.size() - 1);
        assertThat(divergedAt - lastGood).isLessThanOrEqualTo(20);
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints/" + lastGood).status())
                .isEqualTo(200);

        JsonNode resumed = http.post("/api/v1/jobs/" + id + "/resume", null).json();
        assertThat(resumed.get("state").asString()).isEqualTo("QUEUED");
        JsonNode again = Jobs.awaitState(http, id, "FAILED", Duration.ofMinutes(2));
        // Resumed from the last good checkpoint, the deterministic run diverges at the same step.
        assertThat(again.get("attempt").asInt()).isEqualTo(2);
        assertThat(again.at("/failure/step").asLong()).isEqualTo(divergedAt);
        assertThat(checkpointSteps(id)).isEqualTo(checkpoints);
        assertThat(RunChecks.startedFrom(jdbc, id)).containsExactly(0L, lastGood);
    }

    @Test
    void a_run_past_its_maximum_runtime_is_checkpointed_and_fails_with_max_runtime_and_can_be_resumed()
            throws Exception {
        String id = http.post("/api/v1/jobs", """
                {"name": "runtime", "dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
                 "training": {"steps": 10000000, "batchSize": 64, "seed": 1},
                 "checkpoints": {"everySteps": 1000000}, "limits": {"maxRuntimeSeconds": 2}}
                """).json().get("id").asString();

        JsonNode failed = Jobs.awaitState(http, id, "FAILED", Duration.ofMinutes(2));
        assertThat(failed.at("/failure/reason").asString()).isEqualTo("MAX_RUNTIME");
        assertThat(failed.at("/failure/message").asString()).contains("maxRuntimeSeconds = 2");
        long stoppedAt = failed.at("/failure/step").asLong();
        assertThat(stoppedAt).isPositive();
        double ran = java.time.Duration.between(
                                java.time.Instant.parse(failed.get("startedAt").asString()),
                                java.time.Instant.parse(failed.get("finishedAt").asString()))
                        .toMillis()
                / 1000.0;
        assertThat(ran).isBetween(2.0, 15.0);
        assertThat(checkpointSteps(id)).containsExactly(stoppedAt);

        http.post("/api/v1/jobs/" + id + "/resume", null);
        JsonNode again = Jobs.await(
                http,
                id,
                j -> j.get("attempt").asInt() == 2 && j.get("step").asLong() > stoppedAt,
                Duration.ofSeconds(60));
        assertThat(again.get("state").asString()).isEqualTo("RUNNING");
        assertThat(RunChecks.startedFrom(jdbc, id)).containsExactly(0L, stoppedAt);
        assertThat(Jobs.awaitState(http, id, "FAILED", Duration.ofMinutes(2))
                        .at("/failure/reason")
                        .asString())
                .isEqualTo("MAX_RUNTIME");
    }

    private String submit(String name) {
        return http.post("/api/v1/jobs", RunChecks.SPEC.formatted(name))
                .json()
                .get("id")
                .asString();
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(pid))
                        .start()
                        .waitFor())
                .isZero();
    }

    private List<Long> checkpointSteps(String id) {
        List<Long> steps = new ArrayList<>();
        http.get("/api/v1/jobs/" + id + "/checkpoints")
                .json()
                .forEach(c -> steps.add(c.get("step").asLong()));
        return steps;
    }
}
