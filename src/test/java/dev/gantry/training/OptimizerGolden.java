package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.model.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code optimizer-golden.json} (written by {@code scripts/training/optimizer_golden.py})
 * and compares against it: |a − b| ≤ rtol·max(|b|, floor), rtol = {@link #RELATIVE}. Relative for
 * values of ordinary size; the floor keeps a value that passes near 0 from demanding more than the
 * float32 rounding of the larger numbers it was computed from. Parameters (all of order 0.1–1)
 * use the absolute {@link #FLOOR}, i.e. 1e-7 ≈ 2 ulp of 0.5; measured: one bias that ends at
 * −0.002 is off by 1.5e-8. Optimizer moments scale with the gradients (1e-8 to 1 here), so their
 * floor is {@link #FLOOR} times the largest |value| of the same tensor.
 */
final class OptimizerGolden {

    static final double RELATIVE = 1e-5;
    static final double FLOOR = 1e-2;

    static final JsonObject JSON = read();

    private OptimizerGolden() {}

    private static JsonObject read() {
        try (InputStream in = OptimizerGolden.class.getResourceAsStream("/training/optimizer-golden.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, TensorData> tensors(JsonObject json) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            JsonObject t = e.getValue().getAsJsonObject();
            JsonArray shape = t.getAsJsonArray("shape");
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).getAsLong();
            }
            out.put(e.getKey(), new TensorData(dims, floats(t.getAsJsonArray("values"))));
        }
        return out;
    }

    static float[] floats(JsonArray values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }

    static void assertClose(double expected, double actual, double relative, double floor, String what) {
        assertTrue(
                Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), floor),
                what + ": expected " + expected + " but was " + actual);
    }

    static void assertClose(float[] expected, float[] actual, double relative, double floor, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], relative, floor, what + "[" + i + "]");
        }
    }

    /** For optimizer moments: the floor scales with the tensor. */
    static void assertMomentClose(float[] expected, float[] actual, double relative, String what) {
        double largest = 0;
        for (float x : expected) {
            largest = Math.max(largest, Math.abs(x));
        }
        assertClose(expected, actual, relative, FLOOR * largest, what);
    }

    static void assertClose(Map<String, TensorData> expected, Map<String, TensorData> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + " names");
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), what + " " + name + " shape");
            assertClose(expected.get(name).values(), actual.get(name).values(), RELATIVE, FLOOR, what + " " + name);
        }
    }
}
