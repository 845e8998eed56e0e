package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.Datasets;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile dataset uploads ({@link HostileUploads}, seeded; the seed is printed, rerun one with
 * {@code -Dgantry.hostile.seed=…}) against the real server, database and folder object store.
 * For every case: never a 5xx; a refusal is a 4xx problem naming the field and leaves no row, no
 * object and no temp file; a decodable case ends {@code READY} with the right shape; the rest end
 * {@code FAILED} with a reason and keep no object. Small limits, so that bombs and caps are cheap.
 */
@GantryIntegrationTest
@TestPropertySource(
        properties = {
            "gantry.datasets.max-upload-bytes=8MB",
            "gantry.datasets.max-entries=1000",
            "gantry.datasets.max-entry-bytes=2MB",
            "gantry.datasets.max-inflated-bytes=4MB",
            // The client writes a whole body over the cap; Tomcat must read it to the end rather than
            // reset the connection under the 413 it already sent.
            "server.tomcat.max-swallow-size=16MB"
        })
class HostileUploadPropertyTest {

    private static final int PER_CATEGORY = Integer.getInteger("gantry.hostile.uploads-per-category", 10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore store;

    @Value("${gantry.data-dir}")
    Path dataDir;

    private final Map<String, Map<String, Integer>> answers = new LinkedHashMap<>();
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    @Test
    void hostile_uploads_are_refused_or_fail_cleanly_and_decodable_ones_are_ready() throws Exception {
        long seed = Long.getLong("gantry.hostile.seed", System.nanoTime());
        System.out.println(
                "HostileUploadPropertyTest seed " + seed + " (rerun with -Dgantry.hostile.seed=" + seed + ")");
        long started = System.nanoTime();
        RawHttp raw = new RawHttp(port);
        Http http = new Http(port);
        HostileUploads uploads = new HostileUploads(seed);
        for (String category : HostileUploads.CATEGORIES) {
            long categoryStarted = System.nanoTime();
            for (int i = 0; i < PER_CATEGORY; i++) {
                HostileUploads.Case c = uploads.next(category);
                long rowsBefore = rows();
                List<String> objectsBefore = store.list("datasets/");
                Map<String, String> headers = Map.of("Content-Type", c.contentType());
                RawHttp.Response response =
                        raw.send("POST", "/api/v1/datasets" + c.query(), headers, c.body(), c.chunked());
                String answer = judge(c, response, http, rowsBefore, objectsBefore);
                answers.computeIfAbsent(category, k -> new TreeMap<>()).merge(answer, 1, Integer::sum);
            }
            millis.put(category, (System.nanoTime() - categoryStarted) / 1_000_000);
        }
        List<Path> leftovers = awaitNoTempFiles();
        print(seed, (System.nanoTime() - started) / 1_000_000_000);
        assertThat(failures)
                .as("seed " + seed + "; failures:\n"
                        + String.join("\n", failures.stream().limit(25).toList()))
                .isEmpty();
        assertThat(leftovers).as("temp files left behind").isEmpty();
    }

    /** @return the answer as the table shows it, e.g. "400 file", "FAILED", "READY" */
    private String judge(
            HostileUploads.Case c, RawHttp.Response response, Http http, long rowsBefore, List<String> objectsBefore)
            throws InterruptedException {
        String what = c.category() + ": " + c.description();
        int status = response.status();
        if (status >= 500) {
            failures.add(what + " → " + status + " " + HostileSpecs.abbreviate(response.text()));
            return String.valueOf(status);
        }
        if (status == 201) {
            JsonNode dataset = Datasets.awaitDone(
                    http, JSON.readTree(response.body()).get("id").asString());
            String state = dataset.get("state").asString();
            check(what, dataset, c);
            if (state.equals("FAILED") && !store.list("datasets/").equals(objectsBefore)) {
                failures.add(what + ": FAILED but the object store changed");
            }
            return state;
        }
        String answer = status + problemField(response);
        if (c.outcome() == HostileUploads.Outcome.READY || c.outcome() == HostileUploads.Outcome.FAILED) {
            failures.add(what + ": expected a dataset " + c.outcome() + ", got " + answer + " "
                    + HostileSpecs.abbreviate(response.text()));
        } else if (status != c.status() || (c.field() != null && !answer.equals(status + " " + c.field()))) {
            failures.add(what + ": expected " + c.status() + (c.field() == null ? "" : " " + c.field()) + ", got "
                    + answer + " " + HostileSpecs.abbreviate(response.text()));
        }
        if (rows() != rowsBefore) {
            failures.add(what + ": refused, but a dataset row was left");
        }
        if (!store.list("datasets/").equals(objectsBefore)) {
            failures.add(what + ": refused, but an object was left");
        }
        return answer;
    }

    private void check(String what, JsonNode dataset, HostileUploads.Case c) {
        String state = dataset.get("state").asString();
        switch (c.outcome()) {
            case READY -> {
                int[] shape = c.shape();
                int[] actual = state.equals("READY")
                        ? new int[] {
                            dataset.get("count").asInt(),
                            dataset.get("channels").asInt(),
                            dataset.get("height").asInt(),
                            dataset.get("width").asInt()
                        }
                        : null;
                if (!java.util.Arrays.equals(shape, actual)) {
                    failures.add(what + ": expected READY " + java.util.Arrays.toString(shape) + ", got " + dataset);
                }
            }
            case FAILED, FAILED_OR_REFUSED -> {
                String reason = dataset.has("failureReason")
                        ? dataset.get("failureReason").asString()
                        : "";
                String all = reason + " " + dataset.get("skipped");
                if (!state.equals("FAILED") || reason.isBlank() || (c.reason() != null && !all.contains(c.reason()))) {
                    failures.add(what + ": expected FAILED with '" + c.reason() + "', got " + dataset);
                }
            }
            case REFUSED -> failures.add(what + ": expected " + c.status() + " " + c.field() + ", got " + dataset);
        }
    }

    /** " field" of an invalid-request problem, "" for other problems; a failure when it is no problem at all. */
    private String problemField(RawHttp.Response response) {
        String contentType = response.header("content-type");
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            failures.add("status " + response.status() + " without a problem body: " + contentType);
            return " (no problem)";
        }
        JsonNode problem = JSON.readTree(response.body());
        if (problem.get("status") == null
                || problem.get("status").asInt() != response.status()
                || problem.get("type") == null
                || problem.get("title") == null) {
            failures.add("a problem without type, title or the right status: " + problem);
        }
        JsonNode errors = problem.get("errors");
        return errors == null || errors.isEmpty()
                ? ""
                : " " + errors.get(0).get("field").asString();
    }

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();
    }

    /** Decodes delete their files just after recording the outcome: allow them a moment. */
    private List<Path> awaitNoTempFiles() throws IOException, InterruptedException {
        Path temp = dataDir.resolve("tmp").resolve("datasets");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Path> files;
            try (Stream<Path> list = Files.isDirectory(temp) ? Files.list(temp) : Stream.empty()) {
                files = list.toList();
            }
            if (files.isEmpty() || System.nanoTime() > deadline) {
                return files;
            }
            Thread.sleep(20);
        }
    }

    private void print(long seed, long seconds) {
        System.out.printf("Hostile uploads, seed %d, %d s:%n", seed, seconds);
        System.out.printf("  %-16s %5s %5s %7s  %s%n", "category", "tried", "5xx", "ms", "answers");
        int total = 0;
        for (Map.Entry<String, Map<String, Integer>> e : answers.entrySet()) {
            int tried =
                    e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            int fiveHundreds = e.getValue().entrySet().stream()
                    .filter(a -> a.getKey().startsWith("5"))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            total += tried;
            System.out.printf(
                    "  %-16s %5d %5d %7d  %s%n", e.getKey(), tried, fiveHundreds, millis.get(e.getKey()), e.getValue());
        }
        System.out.printf("  %-16s %5d  (%d property violations)%n", "total", total, failures.size());
        failures.stream().limit(25).forEach(f -> System.out.println("  FAIL " + f));
    }
}
