package dev.gantry.api;

import dev.gantry.api.HostileSpecs.Expect;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Hostile requests to every route, for {@link HostileInputPropertyTest}: bad ids and steps in
 * paths, bad query values, wrong methods and headers, broken framing. Targets are written raw,
 * percent-escapes and all, the way a hostile client sends them.
 */
final class HostileRequests {

    record Request(
            String category,
            String description,
            String method,
            String target,
            Map<String, String> headers,
            byte[] body,
            Expect expect,
            String field) {}

    static final List<String> CATEGORIES =
            List.of("path-ids", "path-steps", "query-metrics", "query-list", "methods", "headers", "framing");

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9_~-][A-Za-z0-9._~-]*");

    private static final List<String[]> ID_ROUTES = List.of(
            new String[] {"GET", "/api/v1/jobs/{id}"},
            new String[] {"POST", "/api/v1/jobs/{id}/cancel"},
            new String[] {"POST", "/api/v1/jobs/{id}/resume"},
            new String[] {"GET", "/api/v1/jobs/{id}/metrics"},
            new String[] {"GET", "/api/v1/jobs/{id}/checkpoints"},
            new String[] {"GET", "/api/v1/jobs/{id}/checkpoints/1"},
            new String[] {"GET", "/api/v1/jobs/{id}/samples"},
            new String[] {"GET", "/api/v1/jobs/{id}/samples/1"},
            new String[] {"POST", "/api/v1/jobs/{id}/generate"},
            new String[] {"GET", "/api/v1/jobs/{id}/export"});

    private final SplittableRandom random;
    private final String jobId;
    private final List<String> badIds;

    /** @param jobId an existing job, so that bad query values are judged on a route that would otherwise answer */
    HostileRequests(long seed, String jobId) {
        this.random = new SplittableRandom(seed);
        this.jobId = jobId;
        String uuid = UUID.randomUUID().toString();
        this.badIds = List.of(
                "not-a-uuid",
                "0",
                "-1",
                "1e3",
                "null",
                "undefined",
                "true",
                uuid + "x",
                uuid.substring(1),
                "%7B" + uuid + "%7D",
                uuid.replace("-", ""),
                uuid.replace('-', '_'),
                "1-1-1-1-1",
                "00000000-0000-0000-0000-000000000000",
                uuid,
                uuid.toUpperCase(),
                "%20",
                "%00",
                "%ZZ",
                "%",
                "%2F",
                "%2f..%2f",
                "..",
                "%2e%2e",
                ".",
                ";",
                ";jsessionid=x",
                "a%3Bb",
                "%E2%80%AE" + uuid,
                "%C3%A9",
                "%FF",
                "'%20OR%201=1--",
                "$(reboot)",
                "x".repeat(5000),
                "x".repeat(20_000),
                "*",
                "~",
                "%09",
                "\\..\\");
    }

    Request next(String category) {
        return switch (category) {
            case "path-ids" -> pathId();
            case "path-steps" -> pathStep();
            case "query-metrics" -> queryMetrics();
            case "query-list" -> queryList();
            case "methods" -> method();
            case "headers" -> header();
            case "framing" -> framing();
            default -> throw new IllegalArgumentException(category);
        };
    }

    private Request pathId() {
        String[] route = oneOf(ID_ROUTES);
        String id = oneOf(badIds);
        // A plain token that is no UUID reaches the controller and must be named; the rest may
        // not even be routed (a 404, Tomcat's 400), which only has to be a problem.
        boolean named = PLAIN_TOKEN.matcher(id).matches()
                && !CANONICAL_UUID.matcher(id).matches()
                && !id.matches("[0-9a-fA-F]+(-[0-9a-fA-F]+){4}")
                && id.length() < 8000;
        return new Request(
                "path-ids",
                route[0] + " with id " + HostileSpecs.abbreviate(id),
                route[0],
                route[1].replace("{id}", id),
                Map.of(),
                null,
                named ? Expect.FIELD : Expect.REFUSED,
                "id");
    }

    private static final List<String> BAD_STEPS = List.of(
            "abc",
            "1.5",
            "1e3",
            "9223372036854775808",
            "-9223372036854775809",
            "NaN",
            "Infinity",
            "0x10",
            "%00",
            "%ZZ",
            "%20",
            "%D9%A1%D9%A2",
            "-1",
            "0",
            "1%2F2",
            "..",
            "%2e",
            "99999999999999999999999",
            "+1",
            "1_000",
            "%EF%BC%91");

    private Request pathStep() {
        String kind = random.nextBoolean() ? "checkpoints" : "samples";
        String step = oneOf(BAD_STEPS);
        boolean named = step.matches("[A-Za-z0-9.]+") && !step.matches("\\d+") && !step.equals("..");
        return new Request(
                "path-steps",
                kind + " step " + step,
                "GET",
                "/api/v1/jobs/" + jobId + "/" + kind + "/" + step,
                Map.of(),
                null,
                named || step.matches("\\d{20,}") ? Expect.FIELD : Expect.REFUSED,
                "step");
    }

    private static final List<String> BAD_COUNTS = List.of(
            "-1",
            "0",
            "1",
            "20001",
            "2147483648",
            "9223372036854775808",
            "1e400",
            "1e3",
            "NaN",
            "Infinity",
            "abc",
            "1.5",
            "%00",
            "0x10",
            "%20",
            "%2B5",
            "%205%20",
            "5%00",
            "%D9%A5");
    private static final List<String> BAD_STEP_BOUNDS =
            List.of("-1", "9223372036854775808", "-9223372036854775809", "abc", "1e3", "NaN", "1.5", "%00");

    private Request queryMetrics() {
        String base = "/api/v1/jobs/" + jobId + "/metrics?";
        return switch (random.nextInt(5)) {
            case 0 -> query("query-metrics", base, "maxPoints", oneOf(BAD_COUNTS));
            case 1 -> query("query-metrics", base, "fromStep", oneOf(BAD_STEP_BOUNDS));
            case 2 -> query("query-metrics", base, "toStep", oneOf(BAD_STEP_BOUNDS));
            case 3 ->
                new Request(
                        "query-metrics",
                        "fromStep after toStep",
                        "GET",
                        base + "fromStep=10&toStep=5",
                        Map.of(),
                        null,
                        Expect.FIELD,
                        "toStep");
            default ->
                query(
                        "query-metrics",
                        base,
                        "names",
                        oneOf(List.of(
                                "%00",
                                "loss%2Fd%00",
                                "%01",
                                "%0A",
                                "loss%2Fd,%1B%5B31m",
                                "x".repeat(201),
                                "a,".repeat(101) + "a")));
        };
    }

    private Request queryList() {
        String base = "/api/v1/jobs?";
        UUID uuid = UUID.randomUUID();
        return switch (random.nextInt(4)) {
            case 0 ->
                query(
                        "query-list",
                        base,
                        "state",
                        oneOf(List.of(
                                "queued",
                                "SLEEPING",
                                "QUEUED,RUNNING",
                                "%00",
                                "1",
                                "null",
                                "QUEUED%00",
                                "%20QUEUED%20",
                                "Queued")));
            case 1 ->
                query(
                        "query-list",
                        base,
                        "pageSize",
                        oneOf(BAD_COUNTS.stream().filter(v -> !v.equals("1")).toList())
                                .replace("20001", "201"));
            case 2 ->
                query(
                        "query-list",
                        base,
                        "pageToken",
                        oneOf(List.of(
                                "garbage",
                                "%00",
                                "====",
                                "x".repeat(5000),
                                token("-9223372036854775808:" + uuid),
                                token("9223372036854775807:" + uuid),
                                token(":"),
                                token("1:"),
                                token("abc:" + uuid),
                                token("1700000000000000:not-a-uuid"),
                                token("1700000000000000"),
                                token("-62135596800000000:" + uuid),
                                "a+b/c")));
            default ->
                query(
                        "query-list",
                        base,
                        "name",
                        oneOf(List.of("%00", "x".repeat(101), "a%20b", "..%2Fx", "%E2%80%AE", "-x", "%0A")));
        };
    }

    private static String token(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Request query(String category, String base, String param, String value) {
        if (random.nextInt(8) == 0) {
            // A query string that does not decode at all: no parameter can be named.
            value = oneOf(List.of("%ZZ", "%FF%FE", "%C3", "%", "%E2%80"));
            return new Request(
                    category,
                    param + "=" + value + " (undecodable)",
                    "GET",
                    base + param + "=" + value,
                    Map.of(),
                    null,
                    Expect.REFUSED,
                    null);
        }
        return new Request(
                category,
                param + "=" + HostileSpecs.abbreviate(value),
                "GET",
                base + param + "=" + value,
                Map.of(),
                null,
                Expect.FIELD,
                param);
    }

    private Request method() {
        String[] route = oneOf(List.of(
                new String[] {"/api/v1/jobs", "GET POST"},
                new String[] {"/api/v1/jobs/" + jobId, "GET"},
                new String[] {"/api/v1/jobs/" + jobId + "/cancel", "POST"},
                new String[] {"/api/v1/jobs/" + jobId + "/resume", "POST"},
                new String[] {"/api/v1/jobs/" + jobId + "/metrics", "GET"},
                new String[] {"/api/v1/jobs/" + jobId + "/checkpoints", "GET"},
                new String[] {"/api/v1/jobs/" + jobId + "/generate", "POST"},
                new String[] {"/api/v1/jobs/" + jobId + "/export", "GET"}));
        String method;
        do {
            method = oneOf(List.of("GET", "POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"));
        } while (route[1].contains(method));
        return new Request("methods", method + " " + route[0], method, route[0], Map.of(), null, Expect.REFUSED, null);
    }

    private Request header() {
        byte[] valid = HostileSpecs.MINIMAL.getBytes(StandardCharsets.UTF_8);
        if (random.nextBoolean()) {
            String key = oneOf(List.of("k".repeat(201), " ", "k".repeat(5000), "\t"));
            return new Request(
                    "headers",
                    "Idempotency-Key of " + key.length() + " characters",
                    "POST",
                    "/api/v1/jobs",
                    Map.of("Content-Type", "application/json", "Idempotency-Key", key),
                    valid,
                    Expect.FIELD,
                    "Idempotency-Key");
        }
        // q=0 is a refusal too (ApiWebConfiguration.RefusalAwareAcceptStrategy).
        String accept = oneOf(List.of(
                "application/xml", "text/csv", "image/png", "text/html", "application/yaml", "application/json;q=0"));
        return new Request(
                "headers",
                "Accept " + accept + " on a valid submit",
                "POST",
                "/api/v1/jobs",
                Map.of("Content-Type", "application/json", "Accept", accept),
                valid,
                Expect.REFUSED,
                null);
    }

    private Request framing() {
        byte[] valid = HostileSpecs.MINIMAL.getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(5)) {
            case 0 -> framed("Content-Length -1", "Content-Length: -1\r\n", valid);
            case 1 -> framed("Content-Length abc", "Content-Length: abc\r\n", valid);
            case 2 ->
                framed(
                        "two different Content-Lengths",
                        "Content-Length: " + valid.length + "\r\nContent-Length: 3\r\n",
                        valid);
            // Not Transfer-Encoding: gzip: Tomcat answers an unknown transfer coding 501, as RFC 9112 asks.
            case 3 -> framedChunks("a chunk size that is not hex", "zz\r\n" + HostileSpecs.MINIMAL + "\r\n0\r\n\r\n");
            default ->
                framed("Content-Length shorter than the body", "Content-Length: " + (valid.length - 5) + "\r\n", valid);
        };
    }

    /** A submit whose framing headers are given whole; {@code method} "RAW" tells the test to send them as is. */
    private Request framed(String description, String framingHeaders, byte[] body) {
        String head = "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\n" + framingHeaders + "\r\n";
        byte[] bytes = new byte[head.length() + body.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, head.length());
        System.arraycopy(body, 0, bytes, head.length(), body.length);
        return new Request("framing", description, "RAW", "/api/v1/jobs", Map.of(), bytes, Expect.REFUSED, null);
    }

    private Request framedChunks(String description, String chunks) {
        return framed(description, "Transfer-Encoding: chunked\r\n", chunks.getBytes(StandardCharsets.ISO_8859_1));
    }

    private <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
