package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL stopped and started again under a running job: a real server process on its own
 * data directory and port, so it can come back where the server and the worker expect it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx384m",
            "gantry.scheduler.lease-duration=30s",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.scheduler.reaper-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@DirtiesContext
class DatabaseRestartTest {

    private static final int STEPS = 8000;

    private static Path dataDirectory;
    private static int port;
    private static EmbeddedPostgres postgres;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        dataDirectory = Files.createTempDirectory("gantry-restart-pg");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        postgres = start();
        registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add(
                "gantry.data-dir",
                () -> dataDirectory
                        .resolveSibling(dataDirectory.getFileName() + "-data")
                        .toString());
    }

    private static EmbeddedPostgres start() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @LocalServerPort
    int serverPort;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(serverPort);
    }

    @Test
    void a_running_job_carries_on_through_a_database_restart_and_loses_no_point() throws Exception {
        String id =
                http.post("/api/v1/jobs", """
                {"name": "pg-restart", "dataset": "ring8", "model": {"hiddenUnits": 64, "hiddenLayers": 2},
                 "training": {"steps": %d, "batchSize": 64, "seed": 3},
                 "checkpoints": {"everySteps": 1000}, "evaluation": {"everySteps": 4000, "samples": 500}}
                """.formatted(STEPS)).json().get("id").asString();
        long before = awaitJob(id, j -> j.get("step").asLong() >= 1200, Duration.ofMinutes(2))
                .get("step")
                .asLong();

        postgres.close();
        long downAt = System.nanoTime();
        Http.Response whileDown = http.get("/api/v1/jobs/" + id);
        assertThat(whileDown.status()).isEqualTo(503);
        assertThat(whileDown.contentType()).isEqualTo("application/problem+json");
        assertThat(whileDown.json().get("type").asString()).isEqualTo("urn:gantry:problem:database-unavailable");
        assertThat(whileDown.header("Retry-After")).isEqualTo("5");
        Thread.sleep(Math.max(0, 4000 - (System.nanoTime() - downAt) / 1_000_000));
        postgres = start();
        long upAt = System.nanoTime();
        JsonNode after = awaitJob(id, j -> j.get("step").asLong() > before + 500, Duration.ofSeconds(60));
        double resumed = (System.nanoTime() - upAt) / 1e9;
        System.out.printf(
                "PostgreSQL down %.1f s; training progress visible again %.2f s after it came back (step %d → %d)%n",
                (upAt - downAt) / 1e9, resumed, before, after.get("step").asLong());

        JsonNode done = awaitJob(id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(3));
        assertThat(done.get("attempt").asInt())
                .as("the same run carried on; nothing was requeued")
                .isEqualTo(1);
        List<String> events = jdbc.sql("SELECT type FROM job_events WHERE job_id = ?::uuid ORDER BY id")
                .param(id)
                .query(String.class)
                .list();
        assertThat(events).containsExactly("SUBMITTED", "CLAIMED", "STARTED", "SUCCEEDED");
        for (String name : List.of("loss/d", "loss/g")) {
            List<Long> steps = jdbc.sql(
                            "SELECT step FROM metric_points WHERE job_id = ?::uuid AND name = ? ORDER BY step")
                    .params(id, name)
                    .query(Long.class)
                    .list();
            List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= STEPS; s++) {
                expected.add(s);
            }
            assertThat(steps).as("every step of %s exactly once", name).isEqualTo(expected);
        }
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints/" + STEPS).status())
                .isEqualTo(200);
    }

    private JsonNode awaitJob(String id, Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (job == null || !condition.test(job)) {
            assertThat(System.nanoTime())
                    .as("waiting for job %s, last seen %s", id, job)
                    .isLessThan(deadline);
            Http.Response response = http.get("/api/v1/jobs/" + id);
            // While the database is coming back the API may answer 503; keep asking.
            job = response.status() == 200 ? response.json() : job;
            if (job != null) {
                assertThat(job.get("state").asString()).as("job %s", job).isNotEqualTo("FAILED");
            }
            Thread.sleep(100);
        }
        return job;
    }
}
