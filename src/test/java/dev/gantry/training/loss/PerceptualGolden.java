package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.Golden;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The perceptual loss's golden cases, written by {@code scripts/features/perceptual_golden.py}
 * with PyTorch in float64 from the committed test network {@code features/vgg_tiny.pt}.
 */
final class PerceptualGolden {

    private static JsonObject root;

    private PerceptualGolden() {}

    static synchronized JsonObject root() {
        if (root == null) {
            try (InputStream in = PerceptualGolden.class.getResourceAsStream("/features/perceptual-golden.json")) {
                assertNotNull(in, "perceptual-golden.json is missing: run scripts/features/perceptual_golden.py");
                root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static List<JsonObject> cases() {
        return Golden.objects(root().getAsJsonArray("cases"));
    }

    static byte[] module() {
        return resource("/features/" + root().get("module").getAsString());
    }

    static byte[] resource(String path) {
        try (InputStream in = PerceptualGolden.class.getResourceAsStream(path)) {
            assertNotNull(in, path + " is missing: run scripts/features/make_test_networks.py");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FeatureNetworkDescriptor descriptor(JsonObject d) {
        JsonObject in = d.getAsJsonObject("input");
        List<String> outputs = new ArrayList<>();
        d.getAsJsonArray("outputs").forEach(e -> outputs.add(e.getAsString()));
        return new FeatureNetworkDescriptor(
                d.get("name").getAsString(),
                new FeatureNetworkDescriptor.Input(
                        in.get("channels").getAsInt(),
                        in.has("size") ? in.get("size").getAsInt() : null,
                        in.has("resize") ? in.get("resize").getAsString() : null,
                        doubles(in.get("range")),
                        doubles(in.get("mean")),
                        doubles(in.get("std"))),
                outputs);
    }

    /** The case's params as a spec gives them: numbers as doubles, layers as an object. */
    static Map<String, Object> params(JsonObject params) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : params.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonObject()) {
                Map<String, Object> weights = new LinkedHashMap<>();
                v.getAsJsonObject()
                        .entrySet()
                        .forEach(w -> weights.put(w.getKey(), w.getValue().getAsDouble()));
                out.put(e.getKey(), weights);
            } else if (v.getAsJsonPrimitive().isNumber()) {
                out.put(e.getKey(), v.getAsDouble());
            } else {
                out.put(e.getKey(), v.getAsString());
            }
        }
        return out;
    }

    private static List<Double> doubles(JsonElement e) {
        List<Double> out = new ArrayList<>();
        e.getAsJsonArray().forEach(x -> out.add(x.getAsDouble()));
        return out;
    }
}
