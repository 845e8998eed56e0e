package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.TestKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** One regression test per finding of the outside hostile-input probe (issue 11, item 8). */
@GantryIntegrationTest
class ProbeFindingsTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    RawHttp raw;
    Http http;

    @BeforeEach
    void clients() {
        raw = new RawHttp(port);
        http = new Http(port);
    }

    @Test
    void an_overlong_utf8_body_is_a_400_and_stores_nothing() {
        long before = jobCount();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"dataset\": \"ring8\", \"name\": \"h".getBytes(StandardCharsets.US_ASCII));
        // "h.." spelled with overlong two-byte forms of '.', as the probe sent it.
        body.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAE, (byte) 0xC0, (byte) 0xAE});
        body.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));

        RawHttp.Response response =
                raw.send("POST", "/api/v1/jobs", Map.of("Content-Type", "application/json"), body.toByteArray(), false);

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode problem = Http.parse(response.text());
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:invalid-request");
        assertThat(problem.get("detail").asString()).isEqualTo("the body is not valid UTF-8");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void valid_multibyte_utf8_split_anywhere_in_a_body_still_parses() {
        // A name may not hold it, so the job is refused for the name: by the validator, not as bad UTF-8.
        String body = "{\"dataset\": \"ring8\", \"name\": \"" + "é€😀".repeat(3000) + "\"}";

        RawHttp.Response response = raw.send(
                "POST",
                "/api/v1/jobs",
                Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8),
                true);

        assertThat(response.status()).isEqualTo(400);
        assertThat(Http.parse(response.text()).get("errors").get(0).get("field").asString())
                .isEqualTo("name");
    }

    @Test
    void two_idempotency_key_headers_are_a_400_and_store_nothing() {
        long before = jobCount();
        String request = "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestKeys.OWNER
                + "\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\n"
                + "Content-Length: 20\r\n\r\n{\"dataset\": \"ring8\"}";

        RawHttp.Response response = raw.sendRaw(request.getBytes(StandardCharsets.US_ASCII));

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode error = Http.parse(response.text()).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(jobCount()).isEqualTo(before);
        // One key, with a comma in it, is still one key.
        assertThat(http.post("/api/v1/jobs", "{\"dataset\": \"ring8\"}", Map.of("Idempotency-Key", "a,b"))
                        .status())
                .isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json;q=0", "application/json; q=0.0, application/problem+json;q=0"})
    void accept_that_refuses_json_on_a_submit_is_a_406_before_anything_is_stored(String accept) {
        long before = jobCount();

        RawHttp.Response response = raw.send(
                "POST",
                "/api/v1/jobs",
                Map.of("Content-Type", "application/json", "Accept", accept),
                "{\"dataset\": \"ring8\"}".getBytes(StandardCharsets.UTF_8),
                false);

        assertThat(response.status()).as(response.text()).isEqualTo(406);
        assertThat(jobCount()).isEqualTo(before);
        // Any positive weight still accepts it.
        assertThat(raw.send(
                                "POST",
                                "/api/v1/jobs",
                                Map.of("Content-Type", "application/json", "Accept", "application/json;q=0.1"),
                                "{\"dataset\": \"ring8\"}".getBytes(StandardCharsets.UTF_8),
                                false)
                        .status())
                .isEqualTo(201);
    }

    /**
     * The contract: a cancel answers 200 only with CANCELLING or CANCELLED (the state it left or
     * found), otherwise 409; a resume answers 200 only with QUEUED. Under the probe's race a cancel
     * answered 200 with QUEUED: it found the job CANCELLED, a resume re-queued it, and the cancel
     * read that back.
     */
    @Test
    void cancels_racing_resumes_answer_success_only_with_a_cancelled_state() throws Exception {
        String id = http.post("/api/v1/jobs", "{\"dataset\": \"ring8\"}")
                .json()
                .get("id")
                .asString();
        int threads = 8;
        int rounds = 60;
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> cancelAnswers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean canceller = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    start.await();
                    Http client = new Http(port);
                    for (int i = 0; i < rounds; i++) {
                        Http.Response r = client.post("/api/v1/jobs/" + id + (canceller ? "/cancel" : "/resume"), "");
                        String state = r.status() == 200 ? r.json().get("state").asString() : null;
                        if (canceller) {
                            cancelAnswers.add(r.status() + " " + state);
                        }
                        boolean fine = r.status() == 409
                                || (r.status() == 200
                                        && (canceller
                                                ? state.equals("CANCELLED") || state.equals("CANCELLING")
                                                : state.equals("QUEUED")));
                        if (!fine) {
                            wrong.add((canceller ? "cancel" : "resume") + " → " + r.status() + " "
                                    + new String(r.bytes(), StandardCharsets.UTF_8));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(wrong).isEmpty();
        // The race was real: cancels both cancelled and found the job cancelled already.
        assertThat(cancelAnswers).contains("200 CANCELLED");
        long resumed = jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = :id::uuid AND type = 'RESUMED'")
                .param("id", id)
                .query(Long.class)
                .single();
        assertThat(resumed).isGreaterThan(0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/jobs?pageSize=|pageSize",
                "/api/v1/jobs?state=|state",
                "/api/v1/jobs?state|state",
                "/api/v1/jobs?name=&pageSize=5|name",
                "/api/v1/jobs/{id}/metrics?maxPoints=|maxPoints",
                "/api/v1/jobs/{id}/metrics?names=loss/d&fromStep=|fromStep",
            })
    void empty_query_values_are_400s_naming_the_parameter(String testCase) {
        String id = http.post("/api/v1/jobs", "{\"dataset\": \"ring8\"}")
                .json()
                .get("id")
                .asString();
        String[] parts = testCase.split("\\|");

        RawHttp.Response response = raw.get(parts[0].replace("{id}", id));

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode problem = Http.parse(response.text());
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:invalid-request");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactly(parts[1]);
    }

    /** The README's bad-input example, verbatim: two errors, both about fields the client wrote. */
    @Test
    void defaults_never_report_errors_about_fields_the_client_did_not_write() {
        Http.Response response = http.post("/api/v1/jobs", "{\"dataset\": \"grid26\", \"training\": {\"steps\": -1}}");

        assertThat(response.status()).isEqualTo(400);
        JsonNode problem = response.json();
        assertThat(problem.get("detail").asString()).isEqualTo("2 fields are invalid");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactly("training.steps", "dataset");
        assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo("must be between 1 and 10000000");
    }

    @Test
    void a_default_that_conflicts_with_nothing_the_client_wrote_is_still_checked_when_alone() {
        // steps 1 caps every cadence at 1: valid defaults, so the job is accepted as written.
        assertThat(http.post("/api/v1/jobs", "{\"dataset\": \"ring8\", \"training\": {\"steps\": 1}}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void a_9kb_url_is_a_414_problem() {
        RawHttp.Response response = raw.get("/api/v1/jobs?name=" + "a".repeat(9 * 1024));

        assertThat(response.status()).as(response.text()).isEqualTo(414);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = Http.parse(response.text());
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:uri-too-long");
        assertThat(problem.get("status").asInt()).isEqualTo(414);
    }

    @Test
    void oversized_headers_with_a_short_url_are_a_431_not_a_414() {
        RawHttp.Response response = raw.send("GET", "/api/v1/jobs", Map.of("X-Big", "b".repeat(9 * 1024)), null, false);

        assertThat(response.status()).as(response.text()).isEqualTo(431);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    private long jobCount() {
        return jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
    }
}
