package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The conformance suite's golden values, written by {@code scripts/training/loss_golden.py} with
 * PyTorch in float64, and the comparison they are held to.
 *
 * <p>Java computes in float32, so a value a must satisfy |a − b| ≤ rtol · max(|b|, {@link #FLOOR})
 * against the reference b: relative where b is of order one or more, absolute (rtol · 1e-2) near
 * zero, where float32 sums of order-one terms cancel and a relative comparison would measure
 * rounding only. rtol is {@link #FIRST_ORDER} for plain losses and {@link #SECOND_ORDER} for terms
 * whose gradient is itself a gradient (double backprop) or a ratio of gradient norms.
 */
public final class Golden {

    public static final double FIRST_ORDER = 1e-5;
    public static final double SECOND_ORDER = 1e-4;
    public static final double FLOOR = 1e-2;

    private static JsonObject root;

    private Golden() {}

    public static synchronized JsonObject root() {
        if (root == null) {
            try (InputStream in = Golden.class.getResourceAsStream("/training/loss-golden.json")) {
                assertNotNull(in, "loss-golden.json is missing: run scripts/training/loss_golden.py");
                root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** Cases of one group ("adversarial", "terms") by name, in file order. */
    public static Map<String, List<JsonObject>> group(String name) {
        Map<String, List<JsonObject>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root().getAsJsonObject(name).entrySet()) {
            out.put(e.getKey(), objects(e.getValue().getAsJsonArray()));
        }
        return out;
    }

    public static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsJsonObject()));
        return out;
    }

    /** All numbers of a (nested) array, row-major. */
    public static float[] floats(JsonElement element) {
        List<Float> values = new ArrayList<>();
        collect(element, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void collect(JsonElement e, List<Float> into) {
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collect(x, into));
        } else {
            into.add(e.getAsFloat());
        }
    }

    /** A (rows, cols) array from a list of rows, or (n, 1) from a flat list. */
    public static NDArray matrix(NDManager manager, JsonArray rows) {
        float[] values = floats(rows);
        long cols = rows.get(0).isJsonArray() ? rows.get(0).getAsJsonArray().size() : 1;
        return manager.create(values, new Shape(values.length / cols, cols));
    }

    /** {@code {"name": {"shape": [...], "values": [...]}}} as {@link Network#load} takes it. */
    public static Map<String, TensorData> tensors(JsonObject weights) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weights.entrySet()) {
            out.put(e.getKey(), tensor(e.getValue().getAsJsonObject()));
        }
        return out;
    }

    /** {@code {"shape": [...], "values": [...]}}. */
    public static TensorData tensor(JsonObject t) {
        JsonArray shape = t.getAsJsonArray("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).getAsLong();
        }
        return new TensorData(dims, floats(t.get("values")));
    }

    /** The case's MLP discriminator, built as training builds it, with the golden weights. */
    public static Network discriminator(JsonObject description, NDManager manager) {
        ModelConfig config = ModelConfig.mlp(
                2,
                description.get("hiddenUnits").getAsInt(),
                description.get("hiddenLayers").getAsInt(),
                description.get("spectralNorm").getAsBoolean());
        Network d = MlpNetworks.discriminator(config, manager);
        d.load(tensors(description.getAsJsonObject("weights")));
        return d;
    }

    /**
     * A generator that hands out the golden draws through {@code nextFloat()}, the only method the
     * terms draw with, and fails on anything else or on one draw too many.
     */
    public static RandomGenerator replay(JsonArray draws) {
        float[] values = draws == null ? new float[0] : floats(draws);
        return new RandomGenerator() {
            private int next;

            @Override
            public float nextFloat() {
                assertTrue(next < values.length, "the term drew more than the " + values.length + " golden draws");
                return values[next++];
            }

            @Override
            public long nextLong() {
                throw new AssertionError("terms draw with nextFloat() only: the golden draws are floats");
            }
        };
    }

    public static void assertClose(double expected, double actual, double rtol, String what) {
        double tolerance = rtol * Math.max(Math.abs(expected), FLOOR);
        assertTrue(
                Math.abs(expected - actual) <= tolerance,
                () -> what + ": expected " + expected + " but was " + actual + " (|diff| " + Math.abs(expected - actual)
                        + " > " + tolerance + ")");
    }

    public static void assertClose(JsonElement expected, float[] actual, double rtol, String what) {
        double[] exact = doubles(expected);
        assertEquals(exact.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            assertClose(exact[i], actual[i], rtol, what + "[" + i + "]");
        }
    }

    /** The reference values at full (double) precision. */
    public static double[] doubles(JsonElement element) {
        List<Double> values = new ArrayList<>();
        collectDoubles(element, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collectDoubles(JsonElement e, List<Double> into) {
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collectDoubles(x, into));
        } else {
            into.add(e.getAsDouble());
        }
    }
}
