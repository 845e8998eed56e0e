package dev.gantry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Uploading the committed test networks ({@code scripts/features/make_test_networks.py}) and waiting on them. */
public final class FeatureNetworkUploads {

    public static final String PATH = "/api/v1/feature-networks";

    private FeatureNetworkUploads() {}

    /** {@code src/test/resources/features/<name>}. */
    public static byte[] resource(String name) {
        try (InputStream in = FeatureNetworkUploads.class.getResourceAsStream("/features/" + name)) {
            assertThat(in)
                    .as(name + " (run scripts/features/make_test_networks.py)")
                    .isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parts in the order given: {@code "descriptor", bytes, "module", bytes}. */
    public static Http.Response upload(Http http, Object... nameThenBytes) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            parts.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        DatasetFiles.Multipart body = DatasetFiles.multipart(parts);
        return http.post(PATH, body.contentType(), body.body());
    }

    /** Uploads a committed network ({@code <name>.json} and {@code <name>.pt}), without waiting for its validation. */
    public static Http.Response upload(Http http, String name) {
        return upload(http, "descriptor", resource(name + ".json"), "module", resource(name + ".pt"));
    }

    /** Uploads a committed network ({@code <name>.json} and {@code <name>.pt}) and waits until it is no longer PROCESSING. */
    public static JsonNode uploadAndWait(Http http, String name) throws InterruptedException {
        Http.Response created = upload(http, name);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        assertThat(created.json().get("state").asString()).isEqualTo("PROCESSING");
        return awaitDone(http, created.json().get("id").asString());
    }

    public static JsonNode awaitDone(Http http, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode network = http.get(PATH + "/" + id).json();
        while (network.get("state").asString().equals("PROCESSING")) {
            assertThat(System.nanoTime())
                    .as("waiting for feature network %s, last seen %s", id, network)
                    .isLessThan(deadline);
            Thread.sleep(50);
            network = http.get(PATH + "/" + id).json();
        }
        return network;
    }
}
