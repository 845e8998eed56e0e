package dev.gantry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** Waiting on datasets through the API. */
public final class Datasets {

    private Datasets() {}

    /** Polls the dataset until it is no longer PROCESSING. */
    public static JsonNode awaitDone(Http http, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode dataset = http.get("/api/v1/datasets/" + id).json();
        while (dataset.get("state").asString().equals("PROCESSING")) {
            assertThat(System.nanoTime())
                    .as("waiting for dataset %s, last seen %s", id, dataset)
                    .isLessThan(deadline);
            Thread.sleep(20);
            dataset = http.get("/api/v1/datasets/" + id).json();
        }
        return dataset;
    }

    /** Uploads and waits; the upload must be accepted (201). */
    public static JsonNode uploadAndWait(Http http, String query, String contentType, byte[] body)
            throws InterruptedException {
        Http.Response created = http.post("/api/v1/datasets" + query, contentType, body);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        return awaitDone(http, created.json().get("id").asString());
    }
}
