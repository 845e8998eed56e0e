package dev.gantry.training.loss;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.Golden.SECOND_ORDER;
import static dev.gantry.training.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every term of the catalog on a small MLP discriminator with given weights and given random
 * draws, against PyTorch ({@code scripts/training/loss_golden.py}): the value, its gradients w.r.t.
 * the inputs and, for the discriminator's terms, w.r.t. D's parameters, which for the gradient
 * penalties are second-order gradients through the TorchScript helper.
 */
class LossTermConformanceTest {

    private static final Set<String> SECOND_ORDER_TERMS = Set.of("gradient-penalty", "r1", "r2", "dragan");

    @TestFactory
    List<DynamicTest> every_term_matches_pytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<JsonObject>> term : Golden.group("terms").entrySet()) {
            List<JsonObject> cases = term.getValue();
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.get(i);
                String name = term.getKey() + " #" + i + " " + c.get("params");
                tests.add(dynamicTest(name, () -> check(term.getKey(), c, name)));
            }
        }
        return tests;
    }

    private static void check(String type, JsonObject c, String what) {
        if (type.equals("weight-clipping")) {
            weightClipping(c, what);
        } else if (LossCatalog.term(type).orElseThrow().side() == Side.DISCRIMINATOR) {
            // Once as training calls it (constant batches), once with the batches as leaves to
            // check the gradient w.r.t. the inputs too: the penalties take different paths.
            discriminatorTerm(type, c, false, what + " (constants)");
            discriminatorTerm(type, c, true, what + " (inputs differentiated)");
        } else {
            generatorTerm(type, c, what);
        }
    }

    static LossTerm term(String type, JsonObject c, IntFunction<Network> features) {
        Map<String, Object> params = new LinkedHashMap<>();
        c.getAsJsonObject("params")
                .entrySet()
                .forEach(e -> params.put(e.getKey(), e.getValue().getAsDouble()));
        return LossCatalog.term(type).orElseThrow().create(new TermConfig(type, 1.0, false, params), features);
    }

    private static void discriminatorTerm(String type, JsonObject c, boolean inputGradients, String what) {
        double rtol = SECOND_ORDER_TERMS.contains(type) ? SECOND_ORDER : FIRST_ORDER;
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Golden.discriminator(c.getAsJsonObject("discriminator"), m);
            NDArray real = Golden.matrix(m, c.getAsJsonArray("real"));
            NDArray fake = Golden.matrix(m, c.getAsJsonArray("fake"));
            real.setRequiresGradient(inputGradients);
            fake.setRequiresGradient(inputGradients);
            LossTerm term = term(type, c, layers -> null);
            DiscriminatorPass pass = new DiscriminatorPass(
                    real, null, fake, null, null, null, d, Golden.replay(c.getAsJsonArray("draws")));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = term.discriminatorLoss(pass);
                assertNull(term.generatorLoss(null), type + " acts on the discriminator only");
                assertClose(c.get("value").getAsDouble(), value.getFloat(), rtol, what + " value");
                collector.backward(value);
            }
            for (Map.Entry<String, JsonElement> g :
                    c.getAsJsonObject("gradDiscriminator").entrySet()) {
                float[] actual = d.parameters().get(g.getKey()).getGradient().toFloatArray();
                assertClose(g.getValue(), actual, rtol, what + " dL/d" + g.getKey());
            }
            for (Map.Entry<String, JsonElement> u :
                    c.getAsJsonObject("stateAfter").entrySet()) {
                assertClose(
                        u.getValue(), d.state().get(u.getKey()).toFloatArray(), FIRST_ORDER, what + " " + u.getKey());
            }
            assertEquals(c.getAsJsonObject("stateAfter").keySet(), d.state().keySet());
            if (c.has("interpolates")) {
                DiscriminatorPass again = new DiscriminatorPass(
                        real, null, fake, null, null, null, d, Golden.replay(c.getAsJsonArray("draws")));
                NDArray points = term instanceof GradientPenalty gp
                        ? gp.interpolates(again)
                        : ((DraganPenalty) term).interpolates(again);
                assertClose(c.get("interpolates"), points.toFloatArray(), FIRST_ORDER, what + " interpolates");
            }
            if (inputGradients) {
                inputGradient(c.get("gradReal"), real, rtol, what + " dL/dx_r");
                inputGradient(c.get("gradFake"), fake, rtol, what + " dL/dx_f");
            }
        }
    }

    private static void generatorTerm(String type, JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Golden.discriminator(c.getAsJsonObject("discriminator"), m);
            d.setTrainable(false);
            IntFunction<Network> features = layers -> {
                Network f = MlpNetworks.features(layers, m);
                f.load(Golden.tensors(c.getAsJsonObject("features")));
                return f;
            };
            LossTerm term = term(type, c, features);
            assertEquals(true, term.generatorNeedsRealBatch(), type + " compares with the real batch");
            NDArray real = Golden.matrix(m, c.getAsJsonArray("real"));
            NDArray fake = Golden.matrix(m, c.getAsJsonArray("fake"));
            real.setRequiresGradient(true);
            fake.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                GeneratorPass pass = GeneratorPass.of(null, d, fake, real, Golden.replay(null));
                NDArray value = term.generatorLoss(pass);
                assertClose(c.get("value").getAsDouble(), value.getFloat(), FIRST_ORDER, what + " value");
                collector.backward(value);
            }
            inputGradient(c.get("gradReal"), real, FIRST_ORDER, what + " dL/dx_r");
            inputGradient(c.get("gradFake"), fake, FIRST_ORDER, what + " dL/dG(z)");
        }
    }

    private static void weightClipping(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Golden.discriminator(c.getAsJsonObject("discriminator"), m);
            term("weight-clipping", c, layers -> null).afterDiscriminatorUpdate(d);
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("after").entrySet()) {
                assertClose(
                        e.getValue(),
                        d.parameters().get(e.getKey()).toFloatArray(),
                        FIRST_ORDER,
                        what + " " + e.getKey());
            }
        }
    }

    /** A JSON null means the loss does not depend on that input. */
    private static void inputGradient(JsonElement expected, NDArray input, double rtol, String what) {
        if (expected.isJsonNull()) {
            return;
        }
        assertClose(expected, input.getGradient().toFloatArray(), rtol, what);
    }
}
