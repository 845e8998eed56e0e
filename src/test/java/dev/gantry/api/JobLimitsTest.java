package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.scheduler.JobClaimer;
import dev.gantry.scheduler.LeaseReaper;
import dev.gantry.testsupport.AtOnce;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The limits of {@code gantry.limits}, set small here, over real HTTP on a real PostgreSQL. Leases
 * last 100 ms and only the test runs the reaper, so lost runs happen exactly when a test wants them.
 */
@GantryIntegrationTest
@TestPropertySource(
        properties = {
            "gantry.limits.max-queued-jobs=3",
            "gantry.limits.max-attempts=2",
            "gantry.limits.default-max-runtime=30m",
            "gantry.limits.max-runtime=2h",
            "gantry.limits.max-request-bytes=64KB",
            "gantry.scheduler.lease-duration=100ms",
            "gantry.scheduler.reaper-interval=1h"
        })
class JobLimitsTest {

    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobClaimer claimer;

    @Autowired
    LeaseReaper reaper;

    Http http;

    @BeforeEach
    void emptyQueue() {
        http = new Http(port);
        jdbc.sql("DELETE FROM jobs").update();
    }

    @Test
    void a_full_queue_refuses_a_submit_with_429_and_retry_after_until_a_job_leaves_it() {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(submit("{\"dataset\": \"ring8\"}"));
        }

        Http.Response refused = http.post("/api/v1/jobs", "{\"dataset\": \"grid25\"}");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        JsonNode problem = refused.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:queue-full");
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("detail").asString()).contains("3 jobs");
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(3);

        http.post("/api/v1/jobs/" + queued.get(0) + "/cancel", null);
        assertThat(http.post("/api/v1/jobs", "{\"dataset\": \"grid25\"}").status())
                .isEqualTo(201);
    }

    @Test
    void concurrent_submits_never_fill_the_queue_past_its_limit() throws Exception {
        int clients = 16;
        List<Integer> statuses = AtOnce.run(clients, i -> {
            Http own = new Http(port);
            return () -> own.post("/api/v1/jobs", "{\"dataset\": \"ring8\"}").status();
        });

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(clients - 3);
        assertThat(count("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")).isEqualTo(3);
    }

    @Test
    void a_repeated_idempotent_submit_gets_its_job_back_even_from_a_full_queue() {
        String key = UUID.randomUUID().toString();
        String body = "{\"dataset\": \"ring8\", \"training\": {\"seed\": 5}}";
        Http.Response first = http.post("/api/v1/jobs", body, Map.of("Idempotency-Key", key));
        submit("{\"dataset\": \"ring8\"}");
        submit("{\"dataset\": \"ring8\"}");

        Http.Response again = http.post("/api/v1/jobs", body, Map.of("Idempotency-Key", key));
        Http.Response otherBody =
                http.post("/api/v1/jobs", "{\"dataset\": \"grid25\"}", Map.of("Idempotency-Key", key));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asString())
                .isEqualTo(first.json().get("id").asString());
        assertThat(otherBody.status()).isEqualTo(409);
    }

    @Test
    void resume_into_a_full_queue_is_a_429_and_leaves_the_job_as_it_was() {
        String cancelled = submit("{\"dataset\": \"ring8\"}");
        http.post("/api/v1/jobs/" + cancelled + "/cancel", null);
        List<String> others = List.of(
                submit("{\"dataset\": \"ring8\"}"),
                submit("{\"dataset\": \"ring8\"}"),
                submit("{\"dataset\": \"ring8\"}"));

        Http.Response refused = http.post("/api/v1/jobs/" + cancelled + "/resume", null);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:gantry:problem:queue-full");
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        JsonNode job = http.get("/api/v1/jobs/" + cancelled).json();
        assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);

        http.post("/api/v1/jobs/" + others.get(0) + "/cancel", null);
        assertThat(http.post("/api/v1/jobs/" + cancelled + "/resume", null)
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("QUEUED");
    }

    @Test
    void a_state_conflict_on_resume_is_a_409_even_when_the_queue_is_full() {
        String queued = submit("{\"dataset\": \"ring8\"}");
        submit("{\"dataset\": \"ring8\"}");
        submit("{\"dataset\": \"ring8\"}");

        assertThat(http.post("/api/v1/jobs/" + queued + "/resume", null).status())
                .isEqualTo(409);
    }

    @Test
    void max_runtime_defaults_to_the_configured_value_and_is_bounded_by_the_maximum() {
        String defaulted = submit("{\"dataset\": \"ring8\"}");
        String chosen = submit("{\"dataset\": \"ring8\", \"limits\": {\"maxRuntimeSeconds\": 7200}}");

        assertThat(http.get("/api/v1/jobs/" + defaulted)
                        .json()
                        .at("/spec/limits/maxRuntimeSeconds")
                        .asLong())
                .isEqualTo(1800);
        assertThat(http.get("/api/v1/jobs/" + chosen)
                        .json()
                        .at("/spec/limits/maxRuntimeSeconds")
                        .asLong())
                .isEqualTo(7200);
        jdbc.sql("DELETE FROM jobs").update();
        for (String bad : List.of("7201", "0", "-5", "9223372036854775807")) {
            Http.Response response = http.post(
                    "/api/v1/jobs", "{\"dataset\": \"ring8\", \"limits\": {\"maxRuntimeSeconds\": " + bad + "}}");
            assertThat(response.status()).as(bad).isEqualTo(400);
            JsonNode error = response.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo("limits.maxRuntimeSeconds");
            assertThat(error.get("message").asString()).isEqualTo("must be between 1 and 7200");
        }
        assertThat(count("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void a_body_over_the_limit_is_a_413_declared_or_chunked_and_one_at_the_limit_is_read() {
        RawHttp raw = new RawHttp(port);
        Map<String, String> json = Map.of("Content-Type", "application/json");

        RawHttp.Response atLimit = raw.send("POST", "/api/v1/jobs", json, padded(MAX_REQUEST_BYTES), false);
        RawHttp.Response chunkedAtLimit = raw.send("POST", "/api/v1/jobs", json, padded(MAX_REQUEST_BYTES), true);
        jdbc.sql("DELETE FROM jobs").update();
        RawHttp.Response declared = raw.send("POST", "/api/v1/jobs", json, padded(MAX_REQUEST_BYTES + 1), false);
        RawHttp.Response chunked = raw.send("POST", "/api/v1/jobs", json, padded(MAX_REQUEST_BYTES + 1), true);

        assertThat(atLimit.status()).isEqualTo(201);
        assertThat(chunkedAtLimit.status()).isEqualTo(201);
        for (RawHttp.Response tooLarge : List.of(declared, chunked)) {
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.header("Content-Type")).startsWith("application/problem+json");
            JsonNode problem = Http.parse(tooLarge.text());
            assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:request-too-large");
            assertThat(problem.get("detail").asString()).contains(String.valueOf(MAX_REQUEST_BYTES));
        }
        assertThat(count("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void a_job_that_loses_max_attempts_runs_fails_and_a_resume_starts_the_count_again() {
        String id = submit("{\"dataset\": \"ring8\"}");

        loseRun(id);
        assertThat(state(id)).isEqualTo("QUEUED");
        loseRun(id);

        JsonNode failed = http.get("/api/v1/jobs/" + id).json();
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.at("/failure/reason").asString()).isEqualTo("MAX_ATTEMPTS");
        assertThat(failed.at("/failure/message").asString()).contains("lost 2 runs");
        assertThat(jdbc.sql("SELECT type FROM job_events WHERE job_id = ?::uuid ORDER BY id")
                        .param(id)
                        .query(String.class)
                        .list())
                .endsWith("LEASE_EXPIRED", "FAILED");

        JsonNode resumed = http.post("/api/v1/jobs/" + id + "/resume", null).json();
        assertThat(resumed.get("state").asString()).isEqualTo("QUEUED");
        assertThat(resumed.has("failure")).isFalse();
        assertThat(count("SELECT lease_losses FROM jobs WHERE id = '" + id + "'"))
                .isZero();
        // One more lost run is the first of the new count, not the third of the old one.
        loseRun(id);
        assertThat(state(id)).isEqualTo("QUEUED");
    }

    /** A worker claims the job and goes silent: its 100 ms lease runs out and the reaper takes the job back. */
    private void loseRun(String id) {
        assertThat(claimer.claim("silent-worker").orElseThrow().id()).hasToString(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (state(id).equals("RUNNING")) {
            assertThat(System.nanoTime())
                    .as("lease of " + id + " reaped within 10 s")
                    .isLessThan(deadline);
            reaper.reapExpiredLeases();
        }
    }

    /** A valid spec padded with spaces to exactly {@code bytes}. */
    private static byte[] padded(int bytes) {
        String spec = "{\"dataset\": \"ring8\"}";
        return (spec + " ".repeat(bytes - spec.length())).getBytes(StandardCharsets.UTF_8);
    }

    private String submit(String body) {
        Http.Response response = http.post("/api/v1/jobs", body);
        assertThat(response.status()).as(response.json().toString()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private String state(String id) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = ?::uuid")
                .param(id)
                .query(String.class)
                .single();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
