package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * The whole path on real parts: HTTP API → PostgreSQL queue → a worker child process spawned by
 * the server → DJL training → metric points, sample PNGs and checkpoints back through the API.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            // A fixed, pre-touched heap: RSS growth then shows native (libtorch) memory, not heap sizing.
            "gantry.worker.jvm-options=-Xms384m -Xmx384m -XX:+AlwaysPreTouch",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class EndToEndTest {

    @LocalServerPort
    int port;

    @Autowired
    LocalWorkerSupervisor supervisor;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void a_grid25_job_trains_in_a_worker_process_to_success_with_curves_samples_and_checkpoints() throws Exception {
        JsonNode submitted = http.post("/api/v1/jobs", """
                {"name": "e2e-grid25", "dataset": "grid25",
                 "training": {"steps": 3000, "seed": 11},
                 "checkpoints": {"everySteps": 1000, "keepLast": 2},
                 "evaluation": {"everySteps": 1000}}
                """).json();
        String id = submitted.get("id").asString();

        JsonNode running = Jobs.await(http, id, j -> j.get("step").asLong() >= 300, Duration.ofMinutes(2));
        assertThat(running.get("state").asString()).isEqualTo("RUNNING");
        assertThat(running.at("/progress/stepsPerSecond").asDouble()).isPositive();
        assertThat(running.at("/progress/etaSeconds").isNumber()).isTrue();
        long workerPid = supervisor.workerPids().get(0);
        long warmRss = rssKb(workerPid);
        long maxRss = warmRss;
        JsonNode job = running;
        while (!job.get("state").asString().equals("SUCCEEDED")) {
            assertThat(job.get("state").asString()).isIn("RUNNING", "SUCCEEDED");
            maxRss = Math.max(maxRss, rssKb(workerPid));
            Thread.sleep(200);
            job = http.get("/api/v1/jobs/" + id).json();
        }
        long endRss = rssKb(workerPid);
        System.out.printf(
                "worker RSS over 3000 steps: after step 300 %d kB, max %d kB, end %d kB%n", warmRss, maxRss, endRss);

        assertThat(job.get("step").asLong()).isEqualTo(3000);
        assertThat(job.at("/progress/fraction").asDouble()).isEqualTo(1.0);
        assertThat(job.at("/latestMetrics/eval~1modes").asDouble()).isBetween(0.0, 25.0);
        assertThat(endRss)
                .as("worker RSS stays within 15%% of its warmed-up size")
                .isLessThan((long) (warmRss * 1.15));

        JsonNode all = http.get("/api/v1/jobs/" + id + "/metrics?names=loss/d,loss/g,eval/modes&maxPoints=20000")
                .json();
        assertThat(Jobs.series(all, "loss/d")).hasSize(3000);
        assertThat(Jobs.series(all, "loss/g")).hasSize(3000);
        assertThat(Jobs.series(all, "eval/modes"))
                .extracting(p -> p.get("step").asLong())
                .containsExactly(1000L, 2000L, 3000L);
        JsonNode thinned = http.get("/api/v1/jobs/" + id + "/metrics?names=loss/d&maxPoints=100")
                .json();
        assertThat(Jobs.series(thinned, "loss/d")).hasSizeLessThanOrEqualTo(100).hasSizeGreaterThan(50);

        JsonNode samples = http.get("/api/v1/jobs/" + id + "/samples").json();
        assertThat(samples).extracting(s -> s.get("step").asLong()).containsExactly(1000L, 2000L, 3000L);
        Http.Response png = http.get("/api/v1/jobs/" + id + "/samples/3000");
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(HexFormat.of().formatHex(png.bytes(), 0, 8)).isEqualTo("89504e470d0a1a0a");

        JsonNode checkpoints = http.get("/api/v1/jobs/" + id + "/checkpoints").json();
        assertThat(checkpoints).extracting(c -> c.get("step").asLong()).containsExactly(2000L, 3000L);
        Http.Response checkpoint = http.get("/api/v1/jobs/" + id + "/checkpoints/3000");
        assertThat(checkpoint.status()).isEqualTo(200);
        assertThat((long) checkpoint.bytes().length)
                .isEqualTo(checkpoints.get(1).get("sizeBytes").asLong());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(checkpoint.bytes())))
                .isEqualTo(checkpoints.get(1).get("sha256").asString());
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints/1000").status())
                .as("pruned by keepLast")
                .isEqualTo(404);
    }

    @Test
    void a_running_job_is_cancelled_within_seconds_and_resumes_from_its_checkpoint() throws Exception {
        String id = http.post("/api/v1/jobs", """
                {"dataset": "ring8", "training": {"steps": 1000000, "seed": 5},
                 "checkpoints": {"everySteps": 100000}, "evaluation": {"everySteps": 100000}}
                """).json().get("id").asString();
        Jobs.await(http, id, j -> j.get("step").asLong() >= 100, Duration.ofMinutes(2));

        long cancelledAt = System.nanoTime();
        JsonNode cancelling = http.post("/api/v1/jobs/" + id + "/cancel", null).json();
        JsonNode cancelled =
                Jobs.await(http, id, j -> j.get("state").asString().equals("CANCELLED"), Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - cancelledAt) / 1e9;
        System.out.printf("running job cancelled in %.2f s%n", seconds);

        assertThat(cancelling.get("state").asString()).isEqualTo("CANCELLING");
        assertThat(seconds).isLessThan(5);
        long stoppedAt = cancelled.get("step").asLong();
        JsonNode checkpoints = http.get("/api/v1/jobs/" + id + "/checkpoints").json();
        assertThat(checkpoints).extracting(c -> c.get("step").asLong()).contains(stoppedAt);

        JsonNode resumed = http.post("/api/v1/jobs/" + id + "/resume", null).json();
        assertThat(resumed.get("attempt").asInt()).isEqualTo(2);
        JsonNode again = Jobs.await(
                http,
                id,
                j -> j.get("state").asString().equals("RUNNING")
                        && j.get("step").asLong() > stoppedAt + 50,
                Duration.ofMinutes(2));
        assertThat(again.get("attempt").asInt()).isEqualTo(2);
        http.post("/api/v1/jobs/" + id + "/cancel", null);
        Jobs.await(http, id, j -> j.get("state").asString().equals("CANCELLED"), Duration.ofSeconds(30));
        // The resumed run continued the curve: no step is missing between the two runs.
        JsonNode points = http.get("/api/v1/jobs/" + id + "/metrics?names=loss/d&maxPoints=20000")
                .json();
        List<Long> steps = Jobs.series(points, "loss/d").stream()
                .map(p -> p.get("step").asLong())
                .toList();
        assertThat(steps.get(0)).isEqualTo(1L);
        assertThat(steps.get(steps.size() - 1)).isEqualTo(steps.size());
    }

    @Test
    void the_supervisor_restarts_a_worker_that_dies() throws Exception {
        long pid = supervisor.workerPids().get(0);

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && (supervisor.workerPids().isEmpty() || supervisor.workerPids().get(0) == pid)) {
            Thread.sleep(100);
        }
        assertThat(supervisor.workerPids()).hasSize(1).doesNotContain(pid);
        // The new worker trains: a small job reaches SUCCEEDED.
        String id = http.post("/api/v1/jobs", "{\"dataset\": \"ring8\", \"training\": {\"steps\": 200}}")
                .json()
                .get("id")
                .asString();
        Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(2));
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
