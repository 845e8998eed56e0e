package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.features.FeatureNetwork;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The perceptual term on an uploaded TorchScript network against PyTorch ({@code
 * scripts/features/perceptual_golden.py}): a generator G(z) = tanh(zW + b) with given weights, the
 * term built by the catalog from a spec's parameters and the committed {@code vgg_tiny.pt}, its
 * value and the generator's gradient dL/dW, dL/db through the frozen network, for both distances,
 * Gram matrices, several weighted layers, grayscale data, other ranges and normalisations and every
 * resize mode.
 *
 * <p>A value a must satisfy |a − b| ≤ max(rtol · max(|b|, 1 % of the largest |b| of its array),
 * {@value #FLOAT32_ALLOWANCE} × the error PyTorch's own float32 run makes): convolution sums cancel,
 * so a gradient entry near zero is held to its array's scale, not to itself.
 */
class PerceptualConformanceTest {

    static final double RTOL = 1e-4;
    static final double FLOAT32_ALLOWANCE = 8;

    @TestFactory
    List<DynamicTest> perceptual_matches_pytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        byte[] module = PerceptualGolden.module();
        for (JsonObject c : PerceptualGolden.cases()) {
            String name = c.get("name").getAsString() + " " + c.get("params");
            tests.add(dynamicTest(name, () -> check(module, c, name)));
        }
        return tests;
    }

    private static void check(byte[] module, JsonObject c, String what) {
        try (FeatureNetwork network =
                        FeatureNetwork.load(module, PerceptualGolden.descriptor(c.getAsJsonObject("descriptor")));
                NDManager m = NDManager.newBaseManager()) {
            LossTerm term = LossCatalog.term("perceptual")
                    .orElseThrow()
                    .create(
                            new TermConfig(
                                    "perceptual", 1, false, PerceptualGolden.params(c.getAsJsonObject("params"))),
                            resources(network));
            long[] shape = longs(c.getAsJsonArray("shape"));
            long n = shape[0];
            NDArray z = Golden.matrix(m, c.getAsJsonArray("z"));
            NDArray w = Golden.matrix(m, c.getAsJsonArray("W"));
            NDArray b = m.create(Golden.floats(c.get("b")));
            NDArray real = m.create(Golden.floats(c.get("real")), new Shape(shape));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray fake = z.matMul(w).add(b).tanh().reshape(new Shape(shape));
                GeneratorPass pass =
                        new GeneratorPass(fake, null, List.of(), real, null, List.of(), null, null, null, fake, real);
                NDArray value = term.generatorLoss(pass);
                assertEquals(0, value.getShape().dimension(), what + ": a scalar");
                close(c, "value", new double[] {c.get("value").getAsDouble()}, new float[] {value.getFloat()}, what);
                collector.backward(value);
            }
            assertEquals(n, z.getShape().get(0));
            close(c, "gradW", Golden.doubles(c.get("gradW")), w.getGradient().toFloatArray(), what);
            close(c, "gradB", Golden.doubles(c.get("gradB")), b.getGradient().toFloatArray(), what);
        }
    }

    static TermResources resources(FeatureNetwork network) {
        return new TermResources() {
            @Override
            public Network randomFeatures(int layers) {
                throw new AssertionError("perceptual builds no random network");
            }

            @Override
            public FeatureNetwork featureNetwork(String id) {
                return network;
            }
        };
    }

    private static void close(JsonObject c, String key, double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " " + key + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double float32 =
                FLOAT32_ALLOWANCE * c.getAsJsonObject("float32Error").get(key).getAsDouble();
        for (int i = 0; i < expected.length; i++) {
            double tolerance = Math.max(RTOL * Math.max(Math.abs(expected[i]), 0.01 * scale), float32);
            double diff = Math.abs(expected[i] - actual[i]);
            int at = i;
            double bound = tolerance;
            assertTrue(
                    diff <= tolerance,
                    () -> what + " " + key + "[" + at + "]: expected " + expected[at] + " but was " + actual[at]
                            + " (|diff| " + diff + " > " + bound + ")");
        }
    }

    private static long[] longs(com.google.gson.JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    /** What the golden cases cover, so a case dropped from the script is noticed. */
    @org.junit.jupiter.api.Test
    void the_cases_cover_every_option() {
        List<JsonObject> cases = PerceptualGolden.cases();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (JsonObject c : cases) {
            Map<String, Object> p = PerceptualGolden.params(c.getAsJsonObject("params"));
            seen.add("distance " + p.getOrDefault("distance", "mse"));
            seen.add("gram " + p.getOrDefault("gram", 0.0));
            JsonObject in = c.getAsJsonObject("descriptor").getAsJsonObject("input");
            seen.add("resize " + (in.has("resize") ? in.get("resize").getAsString() : "none"));
            // Ranges from 0 only would hide a wrong offset: (low + high) / 2 = (high − low) / 2 there.
            seen.add("range from " + (in.getAsJsonArray("range").get(0).getAsDouble() == 0 ? "0" : "elsewhere"));
            seen.add("channels " + c.getAsJsonArray("shape").get(1).getAsInt());
            seen.add("layers " + ((Map<?, ?>) p.get("layers")).size());
        }
        System.out.println("perceptual golden cases: " + cases.size() + " covering " + seen);
        assertTrue(seen.containsAll(List.of(
                "distance mse",
                "distance l1",
                "gram 0.0",
                "gram 1.0",
                "resize none",
                "resize bilinear",
                "resize bicubic",
                "resize nearest",
                "resize area",
                "range from 0",
                "range from elsewhere",
                "channels 1",
                "channels 3",
                "layers 3")));
    }
}
