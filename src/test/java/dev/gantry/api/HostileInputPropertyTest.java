package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.HostileSpecs.Expect;
import dev.gantry.limits.LimitsProperties;
import dev.gantry.testsupport.GantryIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Thousands of malformed and hostile requests against the real server and database, drawn from a
 * seeded generator (the seed is printed; rerun one with {@code -Dgantry.hostile.seed=…}). For
 * every one: a 4xx, never a 5xx; an {@code application/problem+json} body with {@code type},
 * {@code title} and a {@code status} equal to the HTTP status; a field-level {@code errors} entry
 * naming the broken field for spec errors; and nothing written to the database.
 */
@GantryIntegrationTest
class HostileInputPropertyTest {

    private static final int PER_CATEGORY = Integer.getInteger("gantry.hostile.per-category", 250);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> TABLES = List.of("jobs", "job_events", "metric_points", "checkpoints", "samples");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LimitsProperties limits;

    private final Map<String, Map<Integer, Integer>> statuses = new LinkedHashMap<>();
    private final Map<String, Long> millis = new HashMap<>();
    private final List<String> failures = new ArrayList<>();

    @Test
    void hostile_specs_and_requests_get_a_4xx_problem_and_change_nothing() {
        long seed = Long.getLong("gantry.hostile.seed", System.nanoTime());
        System.out.println(
                "HostileInputPropertyTest seed " + seed + " (rerun with -Dgantry.hostile.seed=" + seed + ")");
        long started = System.nanoTime();
        RawHttp http = new RawHttp(port);
        OffsetDateTime since =
                jdbc.sql("SELECT now()").query(OffsetDateTime.class).single();

        // The bases are valid, so each mutation below breaks exactly the one thing it names.
        List<String> ids = new ArrayList<>();
        for (String base : HostileSpecs.BASES) {
            RawHttp.Response created = http.send(
                    "POST",
                    "/api/v1/jobs",
                    Map.of("Content-Type", "application/json"),
                    base.getBytes(StandardCharsets.UTF_8),
                    false);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            ids.add(JSON.readTree(created.body()).get("id").asString());
        }
        Map<String, Long> rowsBefore = rowCounts(since);
        Map<String, Object> jobBefore = jobRow(ids.get(0));

        HostileSpecs specs = new HostileSpecs(seed, limits.maxRequestBytes().toBytes());
        for (String category : HostileSpecs.CATEGORIES) {
            long categoryStarted = System.nanoTime();
            int count = category.equals("oversized") ? Math.max(1, PER_CATEGORY / 8) : PER_CATEGORY;
            for (int i = 0; i < count; i++) {
                HostileSpecs.Case c = specs.next(category);
                Map<String, String> headers =
                        c.contentType() == null ? Map.of() : Map.of("Content-Type", c.contentType());
                long jobsBefore = jobCount();
                RawHttp.Response response = http.send("POST", "/api/v1/jobs", headers, c.body(), c.chunked());
                String request = "POST /api/v1/jobs " + c.description() + "\n    body: " + show(c.body());
                record(category, request, c.expect(), c.field(), response);
                if (jobCount() != jobsBefore) {
                    failures.add(category + ": a job was created by " + printable(request));
                }
            }
            millis.put(category, (System.nanoTime() - categoryStarted) / 1_000_000);
        }

        HostileRequests requests = new HostileRequests(seed, ids.get(0));
        for (String category : HostileRequests.CATEGORIES) {
            long categoryStarted = System.nanoTime();
            for (int i = 0; i < PER_CATEGORY / 2; i++) {
                HostileRequests.Request r = requests.next(category);
                long jobsBefore = jobCount();
                RawHttp.Response response = r.method().equals("RAW")
                        ? http.sendRaw(r.body())
                        : http.send(r.method(), r.target(), r.headers(), r.body(), false);
                String request = r.method() + " " + HostileSpecs.abbreviate(r.target()) + " (" + r.description() + ")";
                record(category, request, r.expect(), r.field(), response);
                if (jobCount() != jobsBefore) {
                    failures.add(category + ": a job was created by " + printable(request));
                }
            }
            millis.put(category, (System.nanoTime() - categoryStarted) / 1_000_000);
        }

        Map<String, Long> rowsAfter = rowCounts(since);
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        print(seed, seconds);
        assertThat(failures)
                .as("seed " + seed + "; first failures:\n"
                        + String.join("\n", failures.stream().limit(25).toList()))
                .isEmpty();
        assertThat(rowsAfter).as("rows per table").isEqualTo(rowsBefore);
        assertThat(jobRow(ids.get(0)))
                .as("the job the hostile requests aimed at")
                .isEqualTo(jobBefore);
    }

    private void record(String category, String request, Expect expect, String field, RawHttp.Response response) {
        statuses.computeIfAbsent(category, k -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
        String violation = violation(expect, field, response);
        if (violation != null) {
            failures.add(printable(category + ": " + violation) + "\n    " + printable(request) + "\n    → "
                    + response.status() + " " + response.header("content-type") + " "
                    + printable(HostileSpecs.abbreviate(response.text())));
        }
    }

    /** @return what is wrong with the answer, or null */
    private static String violation(Expect expect, String field, RawHttp.Response response) {
        int status = response.status();
        if (status < 400 || status >= 500) {
            return "status " + status + " is not a 4xx";
        }
        String contentType = response.header("content-type");
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            return "content type " + contentType + " is not application/problem+json";
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(response.body());
        } catch (RuntimeException e) {
            return "the body is not JSON: " + e.getMessage();
        }
        if (!problem.isObject()
                || !nonEmptyText(problem.get("type"))
                || !nonEmptyText(problem.get("title"))
                || problem.get("status") == null
                || problem.get("status").asInt() != status) {
            return "the problem lacks a type or title, or its status differs from " + status;
        }
        String type = problem.get("type").asString();
        List<String> fields = new ArrayList<>();
        if (type.equals("urn:gantry:problem:invalid-request")) {
            JsonNode errors = problem.get("errors");
            if (errors == null || !errors.isArray() || errors.isEmpty()) {
                return "an invalid-request problem without errors";
            }
            for (JsonNode error : errors) {
                if (error.get("field") == null
                        || !error.get("field").isString()
                        || !nonEmptyText(error.get("message"))) {
                    return "an error entry without a field or message: " + error;
                }
                fields.add(error.get("field").asString());
            }
        }
        return switch (expect) {
            case FIELD ->
                status == 400 && fields.contains(field)
                        ? null
                        : "expected a 400 naming " + HostileSpecs.abbreviate(field) + ", got fields " + fields;
            case NEAR ->
                status == 400
                                && !fields.isEmpty()
                                && (field == null || fields.stream().anyMatch(f -> near(f, field)))
                        ? null
                        : "expected a 400 naming " + HostileSpecs.abbreviate(String.valueOf(field))
                                + " or a parent, got fields " + fields;
            case TOO_LARGE ->
                status == 413 && type.equals("urn:gantry:problem:request-too-large")
                        ? null
                        : "expected 413 request-too-large";
            case REFUSED -> null;
        };
    }

    /** The error names the field itself, a parent or child of it, or the whole body. */
    private static boolean near(String reported, String field) {
        return reported.isEmpty() || reported.equals(field) || within(field, reported) || within(reported, field);
    }

    private static boolean within(String path, String parent) {
        return path.startsWith(parent + ".") || path.startsWith(parent + "[");
    }

    private static boolean nonEmptyText(JsonNode node) {
        return node != null && node.isString() && !node.asString().isBlank();
    }

    private void print(long seed, long seconds) {
        System.out.printf("Hostile input, seed %d, %d s:%n", seed, seconds);
        System.out.printf("  %-20s %6s %5s %7s  %s%n", "category", "tried", "5xx", "ms", "answers by status");
        int total = 0;
        int fiveHundreds = 0;
        for (Map.Entry<String, Map<Integer, Integer>> entry : statuses.entrySet()) {
            int tried = entry.getValue().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            int failed = entry.getValue().entrySet().stream()
                    .filter(e -> e.getKey() >= 500)
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            total += tried;
            fiveHundreds += failed;
            System.out.printf(
                    "  %-20s %6d %5d %7d  %s%n",
                    entry.getKey(), tried, failed, millis.get(entry.getKey()), entry.getValue());
        }
        System.out.printf(
                "  %-20s %6d %5d %7s  (%d property violations)%n", "total", total, fiveHundreds, "", failures.size());
        failures.stream()
                .limit(Integer.getInteger("gantry.hostile.show", 25))
                .forEach(f -> System.out.println("  FAIL " + f));
    }

    /**
     * Every job, and the rows of the jobs made since the test began. Older jobs are left out: the
     * shared database holds other classes' jobs, which this server's reaper and sweep driver may
     * still move (a lease expiring, a trial cancelled) while the test runs.
     */
    private Map<String, Long> rowCounts(OffsetDateTime since) {
        Map<String, Long> counts = new HashMap<>();
        for (String table : TABLES) {
            String sql = table.equals("jobs")
                    ? "SELECT count(*) FROM jobs"
                    : "SELECT count(*) FROM " + table + " WHERE job_id IN (SELECT id FROM jobs WHERE created_at >= ?)";
            counts.put(
                    table,
                    table.equals("jobs")
                            ? jdbc.sql(sql).query(Long.class).single()
                            : jdbc.sql(sql).param(since).query(Long.class).single());
        }
        return counts;
    }

    private long jobCount() {
        return jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
    }

    private Map<String, Object> jobRow(String id) {
        return jdbc.sql("SELECT state, attempt, lease_losses, updated_at FROM jobs WHERE id = ?::uuid")
                .param(id)
                .query()
                .singleRow();
    }

    /** Text for a failure report, with anything but printable ASCII escaped so a report survives any console. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c == '\n' || (c >= 0x20 && c < 0x7f) ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    /** A request body for a failure report: short, with bytes that are not printable ASCII shown as escapes. */
    private static String show(byte[] body) {
        if (body == null) {
            return "(none)";
        }
        String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02X", (int) c));
        }
        return out + (body.length > 400 ? "…(" + body.length + " bytes)" : "");
    }
}
