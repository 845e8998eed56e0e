package dev.gantry.training.loss;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.Golden.SECOND_ORDER;
import static dev.gantry.training.model.ConvGolden.assertClose;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.model.Architectures;
import dev.gantry.training.model.ConvGolden;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gradient penalty on images (Gulrajani et al. 2017, ε per image, norms over C, H and W)
 * through a DCGAN discriminator without batch norm, with and without spectral norm, against
 * PyTorch ({@code scripts/training/conv_golden.py}, "gradientPenalty"): the interpolates, the
 * value, and D's parameter gradients, which are second order (through ∇ₓD, by the TorchScript
 * helper); the term is made by {@link LossCatalog} as training makes it.
 */
class ImagePenaltyConformanceTest {

    @TestFactory
    List<DynamicTest> gradient_penalty_on_images_matches_pytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> cases = ConvGolden.group("gradientPenalty");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i);
            JsonObject m = c.getAsJsonObject("manifest");
            String what = "gradient penalty " + c.get("params") + " dcgan" + m.get("resolution") + " C="
                    + m.get("channels") + (m.get("spectralNorm").getAsBoolean() ? " SN" : "") + " #" + i;
            tests.add(dynamicTest(what, () -> check(c, what)));
        }
        return tests;
    }

    private static void check(JsonObject c, String what) {
        JsonObject manifest = c.getAsJsonObject("manifest");
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Architectures.discriminator(
                    ConvGolden.model(manifest), ConvGolden.data(manifest), ConvGolden.classes(manifest), m);
            ConvGolden.load(d, c.getAsJsonObject("weights"));
            NDArray real = ConvGolden.array(m, c.get("real"));
            NDArray fake = ConvGolden.array(m, c.get("fake"));
            Map<String, Object> params = new LinkedHashMap<>();
            c.getAsJsonObject("params")
                    .entrySet()
                    .forEach(e -> params.put(e.getKey(), e.getValue().getAsDouble()));
            GradientPenalty term = (GradientPenalty) LossCatalog.term("gradient-penalty")
                    .orElseThrow()
                    .create(new TermConfig("gradient-penalty", 1.0, false, params), layers -> null);

            DiscriminatorPass probe = new DiscriminatorPass(
                    real, null, fake, null, null, null, d, Golden.replay(c.getAsJsonArray("draws")));
            assertClose(
                    c, "interpolates", term.interpolates(probe).toFloatArray(), FIRST_ORDER, what + " interpolates");

            DiscriminatorPass pass = new DiscriminatorPass(
                    real, null, fake, null, null, null, d, Golden.replay(c.getAsJsonArray("draws")));
            d.zeroGradients();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = term.discriminatorLoss(pass);
                assertClose(c, "value", new float[] {value.getFloat()}, SECOND_ORDER, what + " value");
                collector.backward(value);
            }
            ConvGolden.assertParameterGradients(d, c, SECOND_ORDER, what);
            ConvGolden.assertState(d, c, what);
        }
    }
}
