package dev.gantry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Waiting on jobs through the API, and reading their curves. */
public final class Jobs {

    private Jobs() {}

    /** Polls the job until {@code condition} holds; fails on timeout or if the job fails meanwhile. */
    public static JsonNode await(Http http, String id, Predicate<JsonNode> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = http.get("/api/v1/jobs/" + id).json();
        while (!condition.test(job)) {
            assertThat(System.nanoTime())
                    .as("waiting for job %s, last seen %s", id, job)
                    .isLessThan(deadline);
            assertThat(job.get("state").asString()).as("job %s", job).isNotEqualTo("FAILED");
            Thread.sleep(50);
            job = http.get("/api/v1/jobs/" + id).json();
        }
        return job;
    }

    /** Polls the job until it is in {@code state}, whatever it passes through (FAILED included). */
    public static JsonNode awaitState(Http http, String id, String state, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = http.get("/api/v1/jobs/" + id).json();
        while (!job.get("state").asString().equals(state)) {
            assertThat(System.nanoTime())
                    .as("waiting for %s, last seen %s", state, job)
                    .isLessThan(deadline);
            Thread.sleep(100);
            job = http.get("/api/v1/jobs/" + id).json();
        }
        return job;
    }

    /** The points of one series of a metrics answer, in step order; empty when it is absent. */
    public static List<JsonNode> series(JsonNode metrics, String name) {
        List<JsonNode> points = new ArrayList<>();
        for (JsonNode s : metrics.get("series")) {
            if (s.get("name").asString().equals(name)) {
                s.get("points").forEach(points::add);
            }
        }
        return points;
    }
}
