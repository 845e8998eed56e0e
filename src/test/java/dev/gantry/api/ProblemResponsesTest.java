package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Errors answered as problems in every layer, each case one the hostile-input property test found
 * answered otherwise: a 500, an HTML or Spring Boot error page, a 200 for a value read too kindly,
 * or a job created before a 406.
 */
@GantryIntegrationTest
class ProblemResponsesTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    RawHttp raw;
    String jobId;

    @BeforeEach
    void job() {
        raw = new RawHttp(port);
        Http.Response created = new Http(port).post("/api/v1/jobs", "{\"dataset\": \"ring8\"}");
        assertThat(created.status()).isEqualTo(201);
        jobId = created.json().get("id").asString();
    }

    @ParameterizedTest(name = "{0} {1} [{2}] → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /api/v1/nothing    |                                  | 404 | not-found
            DELETE | /api/v1/jobs       |                                  | 405 | method-not-allowed
            TRACE  | /api/v1/jobs       |                                  | 405 | method-not-allowed
            GET    | /api/v1/jobs/%ZZ   |                                  | 400 | malformed-request
            GET    | /api/v1/jobs/a%2Fb |                                  | 400 | malformed-request
            GET    | /api/v1/jobs?pageToken=%FF%FE |                       | 400 | malformed-request
            POST   | /api/v1/jobs       | text/plain                       | 415 | unsupported-media-type
            POST   | /api/v1/jobs       | */*                              | 415 | unsupported-media-type
            POST   | /api/v1/jobs       | application/*                    | 415 | unsupported-media-type
            POST   | /api/v1/jobs       | multipart/form-data; boundary=xx | 415 | unsupported-media-type
            """)
    void errors_spring_and_tomcat_answer_themselves_are_problems_with_a_type(
            String method, String target, String contentType, int status, String type) {
        Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
        byte[] body = method.equals("POST") ? "{\"dataset\": \"ring8\"}".getBytes(StandardCharsets.UTF_8) : null;

        RawHttp.Response response = raw.send(method, target, headers, body, false);

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = Http.parse(response.text());
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:" + type);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
    }

    @Test
    void a_client_that_cannot_read_json_gets_a_406_before_any_job_is_created() {
        long before = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        RawHttp.Response response = raw.send(
                "POST",
                "/api/v1/jobs",
                Map.of("Content-Type", "application/json", "Accept", "application/xml"),
                "{\"dataset\": \"ring8\"}".getBytes(StandardCharsets.UTF_8),
                false);

        assertThat(response.status()).isEqualTo(406);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single())
                .isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/v1/jobs?name=%00                                   | name
            /api/v1/jobs?pageToken={ancient}                        | pageToken
            /api/v1/jobs?pageSize=0x10                              | pageSize
            /api/v1/jobs?pageSize=2147483648                        | pageSize
            /api/v1/jobs?pageSize=%2B5                              | pageSize
            /api/v1/jobs?state=%20QUEUED%20                         | state
            /api/v1/jobs?state=QUEUED%00                            | state
            /api/v1/jobs/{id}/metrics?names=%00                     | names
            /api/v1/jobs/{id}/metrics?names=loss%2Fd,%0A            | names
            /api/v1/jobs/{id}/metrics?toStep=-1                     | toStep
            /api/v1/jobs/{id}/metrics?maxPoints=0x10                | maxPoints
            /api/v1/jobs/{id}/checkpoints/0x10                      | step
            /api/v1/jobs/{id}/samples/%D9%A1%D9%A2                  | step
            """)
    void bad_path_and_query_values_are_400s_naming_them_not_500s_or_guesses(String target, String field) {
        String ancient = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("-9223372036854775808:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));

        RawHttp.Response response = raw.get(target.replace("{id}", jobId).replace("{ancient}", ancient));

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode problem = Http.parse(response.text());
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:invalid-request");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactly(field);
    }

    @Test
    void decimal_values_still_bind() {
        assertThat(raw.get("/api/v1/jobs?pageSize=5&state=QUEUED").status()).isEqualTo(200);
        assertThat(raw.get("/api/v1/jobs/" + jobId + "/metrics?maxPoints=10&fromStep=0&toStep=5")
                        .status())
                .isEqualTo(200);
        assertThat(raw.get("/api/v1/jobs/" + jobId + "/checkpoints/12").status())
                .isEqualTo(404);
    }

    @Test
    void thousands_of_bad_fields_are_counted_but_only_the_first_hundred_listed() {
        String params =
                IntStream.range(0, 150).mapToObj(i -> "\"p" + i + "\": 1").collect(Collectors.joining(", "));
        Http.Response response = new Http(port).post("/api/v1/jobs", """
                {"dataset": "ring8", "loss": {"terms": [{"type": "weight-clipping", "params": {%s}}]}}
                """.formatted(params));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors")).hasSize(100);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("loss.terms[0].params.p0");
        assertThat(response.json().get("detail").asString())
                .isEqualTo("150 fields are invalid; the first 100 are listed");
    }

    @Test
    void a_huge_unknown_value_is_echoed_only_in_part() {
        Http.Response response = new Http(port).post("/api/v1/jobs", "{\"dataset\": \"" + "x".repeat(100_000) + "\"}");

        assertThat(response.status()).isEqualTo(400);
        String message = response.json().get("errors").get(0).get("message").asString();
        assertThat(message).startsWith("unknown value 'xxxx").contains("…'").hasSizeLessThan(200);
    }
}
