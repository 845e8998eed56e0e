package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.gantry.training.TrainingCatalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values and gradients w.r.t. the logits of every adversarial loss against PyTorch, from
 * {@code scripts/training/loss_golden.py}.
 */
class AdversarialLossGoldenTest {

    private static final double RELATIVE = 1e-5;
    private static JsonObject golden;

    @BeforeAll
    static void readGolden() throws IOException {
        try (InputStream in = AdversarialLossGoldenTest.class.getResourceAsStream("/training/loss-golden.json")) {
            golden = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    @Test
    void golden_file_covers_every_adversarial_loss_in_the_catalog() {
        assertEquals(TrainingCatalog.ADVERSARIAL_LOSSES, golden.getAsJsonObject("losses").keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"non-saturating", "minimax", "least-squares", "wasserstein", "hinge"})
    void discriminator_loss_and_gradients_match_pytorch(String name) {
        AdversarialLoss loss = GanObjective.adversarial(name);
        JsonObject expected = golden.getAsJsonObject("losses").getAsJsonObject(name);
        Result r = evaluate(loss::discriminatorLoss, true);
        assertClose(expected.get("d").getAsDouble(), r.value, name + " D value");
        assertArrayClose(expected.getAsJsonArray("dGradReal"), r.gradReal, name + " dL_D/dD(x)");
        assertArrayClose(expected.getAsJsonArray("dGradFake"), r.gradFake, name + " dL_D/dD(G(z))");
    }

    @ParameterizedTest
    @ValueSource(strings = {"non-saturating", "minimax", "least-squares", "wasserstein", "hinge"})
    void generator_loss_and_gradient_match_pytorch(String name) {
        AdversarialLoss loss = GanObjective.adversarial(name);
        JsonObject expected = golden.getAsJsonObject("losses").getAsJsonObject(name);
        Result r = evaluate((real, fake) -> loss.generatorLoss(loss.generatorNeedsRealLogits() ? real : null, fake), false);
        assertClose(expected.get("g").getAsDouble(), r.value, name + " G value");
        assertArrayClose(expected.getAsJsonArray("gGradFake"), r.gradFake, name + " dL_G/dD(G(z))");
    }

    private record Result(double value, float[] gradReal, float[] gradFake) {}

    private static Result evaluate(BiFunction<NDArray, NDArray, NDArray> lossFn, boolean realGrad) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = m.create(column(golden.getAsJsonArray("real")), new Shape(6, 1));
            NDArray fake = m.create(column(golden.getAsJsonArray("fake")), new Shape(6, 1));
            real.setRequiresGradient(true);
            fake.setRequiresGradient(true);
            double value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = lossFn.apply(real, fake);
                assertEquals(new Shape(), loss.getShape(), "a loss is a scalar");
                value = loss.getFloat();
                collector.backward(loss);
            }
            float[] gr = realGrad ? real.getGradient().toFloatArray() : null;
            return new Result(value, gr, fake.getGradient().toFloatArray());
        }
    }

    private static float[] column(JsonArray rows) {
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).getAsJsonArray().get(0).getAsFloat();
        }
        return out;
    }

    private static void assertArrayClose(JsonArray expected, float[] actual, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        for (int i = 0; i < actual.length; i++) {
            assertClose(expected.get(i).getAsDouble(), actual[i], what + "[" + i + "]");
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        double tolerance = RELATIVE * Math.abs(expected) + 1e-12;
        assertTrue(
                Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + " but was " + actual);
    }
}
