package dev.gantry.training.model;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.model.ConvGolden.assertClose;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole networks as {@link Architectures} builds them against {@code scripts/export/gantry_models.py}'s
 * modules ({@code conv-golden.json}, "networks"): weights loaded by their PyTorch state-dict names
 * (every name on both sides must match), one training-mode forward, the gradients of every
 * parameter (and of D's input) and the state the pass leaves (running statistics, spectral-norm
 * vectors); some generators also in evaluation mode. The generator's loss is Σ out²/2, the
 * discriminator's Σ out ⊙ R.
 */
class NetworkConformanceTest {

    @TestFactory
    List<DynamicTest> networks_match_their_pytorch_definitions() {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> cases = ConvGolden.group("networks");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i);
            JsonObject m = c.getAsJsonObject("manifest");
            String what = m.get("architecture").getAsString() + m.get("resolution") + " "
                    + c.get("role").getAsString()
                    + " C=" + m.get("channels") + " width " + m.get("width") + " D norm "
                    + m.get("discriminatorNorm").getAsString()
                    + (m.get("spectralNorm").getAsBoolean() ? " SN" : "")
                    + (m.get("conditional").getAsBoolean() ? " conditional" : "") + " #" + i;
            tests.add(dynamicTest(what, () -> check(c, what)));
        }
        return tests;
    }

    private static void check(JsonObject c, String what) {
        JsonObject manifest = c.getAsJsonObject("manifest");
        boolean generator = c.get("role").getAsString().equals("generator");
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = generator
                    ? Architectures.generator(
                            ConvGolden.model(manifest), ConvGolden.data(manifest), ConvGolden.classes(manifest), m)
                    : Architectures.discriminator(
                            ConvGolden.model(manifest), ConvGolden.data(manifest), ConvGolden.classes(manifest), m);
            ConvGolden.load(net, c.getAsJsonObject("weights"));
            NDArray input = ConvGolden.array(m, c.get("input"));
            NDArray labels = ConvGolden.labels(m, c);
            if (c.has("evalOutput")) {
                net.setTraining(false);
                assertClose(c, "evalOutput", net.forward(input, labels).toFloatArray(), FIRST_ORDER, what + " eval");
                net.setTraining(true);
            }
            input.setRequiresGradient(!generator);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forward(input, labels);
                assertClose(c, "output", out.toFloatArray(), FIRST_ORDER, what + " output");
                NDArray loss = generator
                        ? out.square().sum().mul(m.create(0.5f))
                        : out.mul(ConvGolden.array(m, c.get("upstream"), out.getShape()))
                                .sum();
                collector.backward(loss);
            }
            if (!generator) {
                assertClose(c, "gradInput", input.getGradient().toFloatArray(), FIRST_ORDER, what + " dL/dx");
            }
            ConvGolden.assertParameterGradients(net, c, FIRST_ORDER, what);
            ConvGolden.assertState(net, c, what);
        }
    }
}
