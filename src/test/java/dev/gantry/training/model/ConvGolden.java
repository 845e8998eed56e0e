package dev.gantry.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.Golden;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The cases of {@code scripts/training/conv_golden.py} ({@code conv-golden.json}), PyTorch float64
 * references, and the small conversions every test of them needs.
 *
 * <p>Tolerance: {@link Golden}'s rule, |a − b| ≤ rtol · max(|b|, 0.01), or, when larger, {@value
 * #FLOAT32_ALLOWANCE} × the largest error PyTorch's own float32 computation of the same case
 * makes on that tensor (the script runs every case in float32 too, with NCHW and with
 * channels-last maps, and stores the larger as {@code float32Error}). A convolution's outputs and
 * gradients are sums of tens to thousands of products whose float32 rounding is relative to the size of the terms, not of the sum: where terms of
 * order one cancel (a bias right before batch norm has a gradient of exactly 0 that float32 sums
 * to ±5e-6), a correct float32 result is further off than Golden's floor of 1e-7 allows. A wrong
 * layer (a transposed weight, a flipped momentum, another upsampling mode) is off by orders of
 * magnitude more than either.
 */
public final class ConvGolden {

    /**
     * How many times PyTorch's own float32 error a result may be off. The worst case measured:
     * 4.5×, on a gradient that is exactly 0 in float64 (a bias right before batch norm).
     */
    public static final double FLOAT32_ALLOWANCE = 8;

    private static JsonObject root;

    private ConvGolden() {}

    public static synchronized List<JsonObject> group(String name) {
        if (root == null) {
            try (InputStream in = ConvGolden.class.getResourceAsStream("/training/conv-golden.json")) {
                assertNotNull(in, "conv-golden.json is missing: run scripts/training/conv_golden.py");
                root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Golden.objects(root.getAsJsonArray(name));
    }

    /** {@code {"shape", "values"}} as an array. */
    public static NDArray array(NDManager m, JsonElement tensor) {
        TensorData t = Golden.tensor(tensor.getAsJsonObject());
        return m.create(t.values(), new Shape(t.shape()));
    }

    /** A flat list of numbers in {@code like}'s shape. */
    public static NDArray array(NDManager m, JsonElement values, Shape like) {
        return m.create(Golden.floats(values), like);
    }

    /** The case's class indices as int32, or {@code null}. */
    public static NDArray labels(NDManager m, JsonObject c) {
        if (!c.has("labels")) {
            return null;
        }
        return m.create(c.getAsJsonArray("labels").asList().stream()
                .mapToInt(JsonElement::getAsInt)
                .toArray());
    }

    /** The model and data a {@code manifest} of gantry_models describes. */
    public static ModelConfig model(JsonObject manifest) {
        return new ModelConfig(
                manifest.get("architecture").getAsString(),
                manifest.get("latentDim").getAsInt(),
                0,
                0,
                manifest.get("width").getAsInt(),
                manifest.get("spectralNorm").getAsBoolean(),
                manifest.get("conditional").getAsBoolean(),
                manifest.get("discriminatorNorm").getAsString());
    }

    public static DataConfig data(JsonObject manifest) {
        return new DataConfig(
                "golden",
                manifest.get("resolution").getAsInt(),
                manifest.get("channels").getAsInt());
    }

    public static int classes(JsonObject manifest) {
        return manifest.get("classes").getAsInt();
    }

    /** Loads the case's weights by name; the network must hold exactly those names. */
    public static void load(Network network, JsonObject weights) {
        assertEquals(
                weights.keySet(),
                network.snapshot().keySet(),
                network.role() + " names differ from gantry_models' state_dict()");
        network.load(Golden.tensors(weights));
    }

    /** Every parameter's gradient against the case's {@code gradParameters}. */
    public static void assertParameterGradients(Network network, JsonObject c, double rtol, String what) {
        JsonObject expected = c.getAsJsonObject("gradParameters");
        assertEquals(expected.keySet(), network.parameters().keySet(), what + " parameters");
        for (String name : expected.keySet()) {
            try (NDArray gradient = network.parameters().get(name).getGradient()) {
                assertClose(c, "gradParameters." + name, gradient.toFloatArray(), rtol, what + " dL/d" + name);
            }
        }
    }

    /** Running statistics and spectral-norm vectors after the pass, against {@code stateAfter}. */
    public static void assertState(Network network, JsonObject c, String what) {
        JsonObject expected = c.has("stateAfter") ? c.getAsJsonObject("stateAfter") : new JsonObject();
        assertEquals(expected.keySet(), network.state().keySet(), what + " state");
        for (String name : expected.keySet()) {
            assertClose(
                    c,
                    "stateAfter." + name,
                    network.state().get(name).toFloatArray(),
                    Golden.FIRST_ORDER,
                    what + " " + name);
        }
    }

    /**
     * The case's result {@code key} ("output", "gradInput", "gradParameters.conv0.weight", …)
     * against {@code actual}, with the tolerance of the class comment.
     */
    public static void assertClose(JsonObject c, String key, float[] actual, double rtol, String what) {
        JsonElement expected = result(c, key);
        if (expected.isJsonObject()) {
            expected = expected.getAsJsonObject().get("values");
        }
        double[] exact = expected.isJsonArray() ? Golden.doubles(expected) : new double[] {expected.getAsDouble()};
        assertEquals(exact.length, actual.length, what + ": length");
        double float32 =
                FLOAT32_ALLOWANCE * c.getAsJsonObject("float32Error").get(key).getAsDouble();
        for (int i = 0; i < actual.length; i++) {
            double tolerance = Math.max(rtol * Math.max(Math.abs(exact[i]), Golden.FLOOR), float32);
            double diff = Math.abs(exact[i] - actual[i]);
            if (!(diff <= tolerance)) {
                throw new AssertionError(what + "[" + i + "]: expected " + exact[i] + " but was " + actual[i]
                        + " (|diff| " + diff + " > " + tolerance + "; PyTorch float32 error on this tensor "
                        + float32 / FLOAT32_ALLOWANCE + ")");
            }
        }
    }

    private static JsonElement result(JsonObject c, String key) {
        int dot = key.indexOf('.');
        JsonElement e =
                dot < 0 ? c.get(key) : c.getAsJsonObject(key.substring(0, dot)).get(key.substring(dot + 1));
        assertNotNull(e, "no golden " + key);
        return e;
    }
}
