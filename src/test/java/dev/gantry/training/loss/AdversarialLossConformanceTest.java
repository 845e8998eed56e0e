package dev.gantry.training.loss;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every adversarial loss, with and without label smoothing where it applies: values and gradients
 * w.r.t. the logits against PyTorch ({@code scripts/training/loss_golden.py}).
 */
class AdversarialLossConformanceTest {

    @TestFactory
    List<DynamicTest> discriminator_and_generator_losses_match_pytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<JsonObject>> loss :
                Golden.group("adversarial").entrySet()) {
            List<JsonObject> cases = loss.getValue();
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.get(i);
                String name = loss.getKey() + " #" + i + " s="
                        + c.get("labelSmoothing").getAsDouble();
                tests.add(dynamicTest(name, () -> check(loss.getKey(), c, name)));
            }
        }
        return tests;
    }

    private static void check(String name, JsonObject c, String what) {
        AdversarialLoss loss = LossCatalog.adversarial(name)
                .orElseThrow()
                .create(c.get("labelSmoothing").getAsDouble());
        assertEquals(c.has("gGradReal"), loss.generatorNeedsRealLogits(), what + ": needs real logits in the G step");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = logits(m, c, "real");
            NDArray fake = logits(m, c, "fake");
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray d = loss.discriminatorLoss(real, fake);
                assertEquals(new Shape(), d.getShape(), "a loss is a scalar");
                assertClose(c.get("d").getAsDouble(), d.getFloat(), FIRST_ORDER, what + " L_D");
                collector.backward(d);
            }
            assertClose(c.get("dGradReal"), real.getGradient().toFloatArray(), FIRST_ORDER, what + " dL_D/dC(x_r)");
            assertClose(c.get("dGradFake"), fake.getGradient().toFloatArray(), FIRST_ORDER, what + " dL_D/dC(x_f)");

            NDArray real2 = logits(m, c, "real");
            NDArray fake2 = logits(m, c, "fake");
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray g = loss.generatorLoss(loss.generatorNeedsRealLogits() ? real2 : null, fake2);
                assertEquals(new Shape(), g.getShape(), "a loss is a scalar");
                assertClose(c.get("g").getAsDouble(), g.getFloat(), FIRST_ORDER, what + " L_G");
                collector.backward(g);
            }
            assertClose(c.get("gGradFake"), fake2.getGradient().toFloatArray(), FIRST_ORDER, what + " dL_G/dC(x_f)");
            if (c.has("gGradReal")) {
                assertClose(
                        c.get("gGradReal"), real2.getGradient().toFloatArray(), FIRST_ORDER, what + " dL_G/dC(x_r)");
            }
        }
    }

    private static NDArray logits(NDManager m, JsonObject c, String key) {
        NDArray a = Golden.matrix(m, c.getAsJsonArray(key));
        a.setRequiresGradient(true);
        return a;
    }
}
