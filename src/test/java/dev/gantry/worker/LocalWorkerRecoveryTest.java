package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * Default settings: one local worker and its warm spare, lease 30 s, reaper every 2 s. A worker
 * killed with -9 gets its job back in the queue the moment its server sees it exit, and the spare,
 * already started, runs it again at once; the spare never runs a second job beside a live worker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class LocalWorkerRecoveryTest {

    private static final String SPEC = """
            {"name": "%s", "dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
             "training": {"steps": 10000000, "batchSize": 64, "seed": 3},
             "checkpoints": {"everySteps": 200}}
            """;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LocalWorkerSupervisor supervisor;

    @Test
    void a_killed_local_workers_job_runs_again_on_the_spare_at_once_three_times_over() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", SPEC.formatted("recovery"))
                .json()
                .get("id")
                .asString();
        Jobs.await(http, id, j -> j.get("step").asLong() >= 300, Duration.ofMinutes(2));
        awaitBothWorkers();
        // The spare is up and was woken by this submit: with one local-count it must leave it queued.
        String waiting = http.post("/api/v1/jobs", SPEC.formatted("waits-for-a-free-worker"))
                .json()
                .get("id")
                .asString();
        assertStaysQueued(http, waiting, Duration.ofSeconds(3));

        List<Double> seconds = new ArrayList<>();
        for (int kill = 1; kill <= 3; kill++) {
            long victim = Workers.pid(jdbc, id);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            long killedAt = System.nanoTime();
            int attempt = kill + 1;
            Jobs.await(
                    http,
                    id,
                    j -> j.get("attempt").asInt() == attempt
                            && j.get("state").asString().equals("RUNNING"),
                    Duration.ofSeconds(25));
            seconds.add((System.nanoTime() - killedAt) / 1e9);
            assertThat(Workers.pid(jdbc, id)).isNotEqualTo(victim);
            assertThat(state(http, waiting))
                    .as("the queued job waits while a worker runs")
                    .isEqualTo("QUEUED");
            awaitBothWorkers(); // the killed worker restarted: it is the next spare
        }
        System.out.printf(
                "kill -9 of the local worker (default settings, lease 30 s) → job running again after %s s%n",
                seconds.stream().map(s -> String.format("%.2f", s)).toList());

        // Generous for a loaded machine; what it rules out is waiting for a new process or the lease.
        assertThat(seconds).allMatch(s -> s < 10);
        List<String> reasons = jdbc.sql(
                        "SELECT detail->>'reason' FROM job_events WHERE job_id = ?::uuid AND type = 'WORKER_EXITED'")
                .param(id)
                .query(String.class)
                .list();
        assertThat(reasons).hasSize(3).allMatch(r -> r.endsWith("exited with code 137 (signal 9)"));
        assertThat(jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = ?::uuid AND type = 'LEASE_EXPIRED'")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isZero();

        // The slot frees when the job ends, and the waiting job runs.
        http.post("/api/v1/jobs/" + id + "/cancel", null);
        Jobs.awaitState(http, id, "CANCELLED", Duration.ofSeconds(30));
        Jobs.awaitState(http, waiting, "RUNNING", Duration.ofSeconds(30));
        http.post("/api/v1/jobs/" + waiting + "/cancel", null);
        Jobs.awaitState(http, waiting, "CANCELLED", Duration.ofSeconds(30));
    }

    private void awaitBothWorkers() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (supervisor.workerPids().size() < 2 || idleWorkers() < 1) {
            assertThat(System.nanoTime()).as("the worker and its spare running").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Registered workers with nothing to do: the spare, once it is up and polling. */
    private long idleWorkers() {
        return supervisor.workerPids().stream()
                .filter(pid -> jdbc.sql("SELECT count(*) FROM workers WHERE pid = ? AND state = 'IDLE'")
                                .param(pid)
                                .query(Long.class)
                                .single()
                        > 0)
                .count();
    }

    private static void assertStaysQueued(Http http, String id, Duration period) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            assertThat(state(http, id)).isEqualTo("QUEUED");
            Thread.sleep(100);
        }
    }

    private static String state(Http http, String id) {
        return http.get("/api/v1/jobs/" + id).json().get("state").asString();
    }
}
