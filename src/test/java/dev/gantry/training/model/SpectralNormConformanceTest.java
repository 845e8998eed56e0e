package dev.gantry.training.model;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.Golden.assertClose;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One training-mode step of {@link SpectralNorm} against {@code torch.nn.utils.spectral_norm}:
 * W_SN, the new u, and dL/dW for L = Σ W_SN ⊙ R (the gradient through σ(W)), on linear weights
 * ({@code loss-golden.json}) and on convolution weights viewed as (out, in·k·k) ({@code
 * conv-golden.json}).
 */
class SpectralNormConformanceTest {

    @TestFactory
    List<DynamicTest> spectral_norm_matches_torch_nn_utils_spectral_norm() {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> cases = Golden.objects(Golden.root().getAsJsonArray("spectralNorm"));
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i);
            String name =
                    "spectral norm #" + i + " W " + c.getAsJsonObject("weight").get("shape");
            tests.add(dynamicTest(name, () -> check(c, name)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> spectral_norm_of_a_convolution_weight_matches_torch() {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> cases = ConvGolden.group("spectralNorm");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i);
            String name = "spectral norm #" + i + " conv W "
                    + c.getAsJsonObject("weight").get("shape");
            tests.add(dynamicTest(name, () -> checkConv(c, name)));
        }
        return tests;
    }

    private static void checkConv(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = ConvGolden.array(m, c.get("weight"));
            weight.setRequiresGradient(true);
            NDArray u = m.create(Golden.floats(c.get("u")));
            NDArray upstream = ConvGolden.array(m, c.get("upstream"), weight.getShape());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray normalized = SpectralNorm.normalize(weight, u, m);
                ConvGolden.assertClose(c, "weightSn", normalized.toFloatArray(), FIRST_ORDER, what + " W_SN");
                collector.backward(normalized.mul(upstream).sum());
            }
            ConvGolden.assertClose(c, "uAfter", u.toFloatArray(), FIRST_ORDER, what + " u after");
            ConvGolden.assertClose(c, "gradWeight", weight.getGradient().toFloatArray(), FIRST_ORDER, what + " dL/dW");
        }
    }

    private static void check(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            TensorData w = Golden.tensor(c.getAsJsonObject("weight"));
            NDArray weight = m.create(w.values(), new Shape(w.shape()));
            weight.setRequiresGradient(true);
            NDArray u = m.create(Golden.floats(c.get("u")));
            NDArray upstream = m.create(Golden.floats(c.get("upstream")), new Shape(w.shape()));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray normalized = SpectralNorm.normalize(weight, u, m);
                assertClose(c.get("weightSn"), normalized.toFloatArray(), FIRST_ORDER, what + " W_SN");
                collector.backward(normalized.mul(upstream).sum());
            }
            assertClose(c.get("uAfter"), u.toFloatArray(), FIRST_ORDER, what + " u after");
            assertClose(c.get("gradWeight"), weight.getGradient().toFloatArray(), FIRST_ORDER, what + " dL/dW");
        }
    }
}
