package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.Workers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * The default scheduler settings (lease 30 s, reaper every 2 s) and two local workers: a worker
 * killed with -9 gets its job back in the queue the moment its server sees it exit, and the other
 * worker runs it again long before the lease would have expired.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=2",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx384m"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class LocalWorkerRecoveryTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LocalWorkerSupervisor supervisor;

    @Test
    void a_killed_local_workers_job_runs_again_on_the_other_worker_well_within_the_lease() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "recovery", "dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
                         "training": {"steps": 10000000, "batchSize": 64, "seed": 3},
                         "checkpoints": {"everySteps": 200}}
                        """).json().get("id").asString();
        Jobs.await(http, id, j -> j.get("step").asLong() >= 300, Duration.ofMinutes(2));
        // Both workers up, so the survivor is idle and waiting for work.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (supervisor.workerPids().size() < 2) {
            assertThat(System.nanoTime()).as("two workers running").isLessThan(deadline);
            Thread.sleep(50);
        }
        long victim = Workers.pid(jdbc, id);

        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        Jobs.await(
                http,
                id,
                j -> j.get("attempt").asInt() == 2 && j.get("state").asString().equals("RUNNING"),
                Duration.ofSeconds(25));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf(
                "kill -9 of local worker %d → job running again after %.2f s (lease 30 s)%n", victim, seconds);

        // Generous for a loaded machine; what it rules out is waiting for the 30-s lease.
        assertThat(seconds).isLessThan(10);
        assertThat(Workers.pid(jdbc, id)).isNotEqualTo(victim);
        String reason = jdbc.sql(
                        "SELECT detail->>'reason' FROM job_events WHERE job_id = ?::uuid AND type = 'WORKER_EXITED'")
                .param(id)
                .query(String.class)
                .single();
        assertThat(reason).endsWith("exited with code 137 (signal 9)");
        assertThat(jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = ?::uuid AND type = 'LEASE_EXPIRED'")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isZero();
        http.post("/api/v1/jobs/" + id + "/cancel", null);
        Jobs.awaitState(http, id, "CANCELLED", Duration.ofSeconds(30));
    }
}
