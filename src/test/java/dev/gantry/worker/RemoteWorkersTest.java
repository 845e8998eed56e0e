package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.process.SameJarCommand;
import dev.gantry.process.TorchChild;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.TestS3;
import dev.gantry.testsupport.TestS3Initializer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workers that are not the server's children, as in a cluster: the server runs no local worker,
 * and the test starts two {@code role=worker} JVMs of this class path that share nothing with it
 * but PostgreSQL and an S3 bucket (S3Proxy; each worker has a data folder of its own). One is
 * killed with SIGKILL mid-job; the server's reaper takes the job back after the lease (4 s here),
 * the other worker resumes it from the checkpoint in S3, and the curves equal an uninterrupted
 * run bit for bit.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=0",
            "gantry.generation.local-count=0",
            "gantry.scheduler.lease-duration=4s",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.scheduler.reaper-interval=500ms"
        })
@ContextConfiguration(initializers = {TestDatabaseInitializer.class, TestS3Initializer.class})
class RemoteWorkersTest {

    @LocalServerPort
    int port;

    @Value("${gantry.storage.s3.bucket}")
    String bucket;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    final List<Process> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (Process worker : workers) {
            worker.destroy();
        }
        for (Process worker : workers) {
            if (!worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    @Test
    void a_remote_worker_killed_mid_job_hands_it_to_the_other_through_s3_checkpoints_bitwise_equal() throws Exception {
        Http http = new Http(port);
        for (int i = 1; i <= 2; i++) {
            workers.add(startWorker(i));
        }
        List<Long> pids = workers.stream().map(Process::pid).toList();
        awaitWorkers(http, ws -> ws.size() == 2 && all(ws, "IDLE"), Duration.ofMinutes(2));

        long submitted = System.nanoTime();
        String id = http.post("/api/v1/jobs", RunChecks.SPEC.formatted("remote-kill-9"))
                .json()
                .get("id")
                .asString();
        Jobs.await(http, id, j -> j.get("step").asLong() >= 1300, Duration.ofMinutes(3));
        long victim = busyWorker(http, id, -1).get("pid").asLong();
        assertThat(pids).contains(victim);

        ProcessHandle process = ProcessHandle.of(victim).orElseThrow();
        process.destroyForcibly(); // SIGKILL: no drain, no goodbye
        long killedAt = System.nanoTime();
        process.onExit().get();
        long stepAtKill = http.get("/api/v1/jobs/" + id).json().get("step").asLong();
        long lastCheckpoint = jdbc.sql("SELECT max(step) FROM checkpoints WHERE job_id = ?::uuid")
                .param(id)
                .query(Long.class)
                .single();

        JsonNode lost = awaitWorkers(
                http,
                ws -> ws.stream().anyMatch(w -> w.get("pid").asLong() == victim && state(w, "LOST")),
                Duration.ofSeconds(60));
        double lostAfter = (System.nanoTime() - killedAt) / 1e9;
        Jobs.await(
                http,
                id,
                j -> j.get("attempt").asInt() == 2 && j.get("state").asString().equals("RUNNING"),
                Duration.ofSeconds(60));
        double runningAgain = (System.nanoTime() - killedAt) / 1e9;
        long survivor = busyWorker(http, id, victim).get("pid").asLong();

        JsonNode done = Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(4));
        double total = (System.nanoTime() - submitted) / 1e9;

        assertThat(survivor).isNotEqualTo(victim).isIn(pids);
        assertThat(lost).hasSize(2);
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(RunChecks.events(jdbc, id)).containsSubsequence("CLAIMED", "LEASE_EXPIRED", "CLAIMED", "SUCCEEDED");
        assertThat(lastCheckpoint).isBetween(1000L, 5000L);
        assertThat(RunChecks.startedFrom(jdbc, id))
                .as("attempt 1 from scratch, attempt 2 from the last S3 checkpoint before the kill")
                .containsExactly(0L, lastCheckpoint);
        int compared = RunChecks.assertCurveEqualsUninterruptedRun(http, json, id, 6000);

        String jobs = "gantry/jobs/" + id;
        List<String> objects = TestS3.get().describe(bucket);
        assertThat(objects)
                .extracting(o -> o.substring(0, o.indexOf(' ')))
                .containsExactly(
                        jobs + "/checkpoints/000000005000.ckpt",
                        jobs + "/checkpoints/000000006000.ckpt",
                        jobs + "/samples/000000003000.png",
                        jobs + "/samples/000000006000.png");
        assertThat(TestS3.get().pendingUploads(bucket)).isZero();

        System.out.printf(
                "remote workers %s; job %s: SIGKILL of worker %d at step %d (last S3 checkpoint %d); LOST in the"
                        + " registry after %.2f s; running again (attempt 2) on worker %d after %.2f s (lease 4 s,"
                        + " reaper every 0.5 s); SUCCEEDED after %.1f s from submit; %d steps of loss/d and loss/g"
                        + " bitwise equal to the uninterrupted run%n",
                pids, id, victim, stepAtKill, lastCheckpoint, lostAfter, survivor, runningAgain, total, compared);
        System.out.println("S3 objects in bucket " + bucket + " at the end:");
        objects.forEach(o -> System.out.println("  " + o));
    }

    /** A worker as a cluster pod runs it: same jar, role worker, its own data folder, the server's database and bucket. */
    private Process startWorker(int index) throws Exception {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        List<String> jvm = new ArrayList<>(List.of("-Xmx384m"));
        jvm.addAll(TorchChild.jvmOptions(1));
        List<String> args = new ArrayList<>(List.of(
                "--gantry.role=worker",
                "--spring.main.web-application-type=none",
                "--spring.flyway.enabled=false",
                "--spring.application.name=remote-worker-" + index,
                "--spring.datasource.url=" + hikari.getJdbcUrl(),
                "--spring.datasource.username=" + hikari.getUsername(),
                "--gantry.data-dir=" + Files.createTempDirectory("gantry-remote-worker-" + index),
                "--gantry.scheduler.lease-duration=4s",
                "--gantry.scheduler.heartbeat-interval=500ms",
                "--gantry.worker.metrics-flush-interval=500ms",
                // Not the server's child, but the test's: it must not outlive this JVM.
                "--gantry.worker.parent-pid=" + ProcessHandle.current().pid()));
        TestS3.get().properties(bucket, "gantry/").forEach(p -> args.add("--" + p));
        ProcessBuilder builder = new ProcessBuilder(SameJarCommand.of(jvm, args)).inheritIO();
        TorchChild.environment(builder, 1);
        builder.environment().putAll(TestS3.environment());
        if (hikari.getPassword() != null) {
            builder.environment().put("SPRING_DATASOURCE_PASSWORD", hikari.getPassword());
        }
        return builder.start();
    }

    private static JsonNode awaitWorkers(Http http, Predicate<List<JsonNode>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode list = http.get("/api/v1/workers").json();
            List<JsonNode> workers = new ArrayList<>();
            list.forEach(workers::add);
            if (condition.test(workers)) {
                return list;
            }
            assertThat(System.nanoTime())
                    .as("waiting for workers, last seen %s", list)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The worker, other than {@code except}, that reports the job as its current one. */
    private static JsonNode busyWorker(Http http, String jobId, long except) throws InterruptedException {
        Predicate<JsonNode> holds = w -> state(w, "BUSY")
                && w.get("pid").asLong() != except
                && w.has("currentJob")
                && w.get("currentJob").asString().equals(jobId);
        JsonNode list = awaitWorkers(http, ws -> ws.stream().anyMatch(holds), Duration.ofSeconds(30));
        for (JsonNode w : list) {
            if (holds.test(w)) {
                return w;
            }
        }
        throw new AssertionError("no worker holds " + jobId);
    }

    private static boolean all(List<JsonNode> workers, String state) {
        return workers.stream().allMatch(w -> state(w, state));
    }

    private static boolean state(JsonNode worker, String state) {
        return worker.get("state").asString().equals(state);
    }
}
