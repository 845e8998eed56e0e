package dev.gantry.training.loss;

import static dev.gantry.training.Golden.SECOND_ORDER;
import static dev.gantry.training.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The weighted composition with adaptive terms against PyTorch: each coefficient weight ·
 * ‖∇θ L_adv‖ / (‖∇θ term‖ + 1e-6) (TF-GAN's gradient_ratio), each weighted part, the total and
 * its gradients w.r.t. the parameters of the network the side trains (the coefficient detached).
 * Generator cases with λ_adv ≠ 1 check the weighted adversarial part and the ratios it scales.
 */
class AdaptiveWeightConformanceTest {

    @TestFactory
    List<DynamicTest> adaptive_compositions_match_pytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> cases = Golden.objects(Golden.root().getAsJsonArray("adaptive"));
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i);
            String name = c.get("side").getAsString() + " #" + i + " "
                    + c.get("adversarial").getAsString() + " + "
                    + c.getAsJsonArray("terms").asList().stream()
                            .map(t -> t.getAsJsonObject().get("type").getAsString())
                            .toList();
            tests.add(dynamicTest(name, () -> check(c, name)));
        }
        return tests;
    }

    private static void check(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Golden.discriminator(c.getAsJsonObject("discriminator"), m);
            IntFunction<Network> features = layers -> {
                Network f = MlpNetworks.features(layers, m);
                f.load(Golden.tensors(c.getAsJsonObject("features")));
                return f;
            };
            List<GanObjective.WeightedTerm> terms = new ArrayList<>();
            for (JsonElement e : c.getAsJsonArray("terms")) {
                JsonObject t = e.getAsJsonObject();
                terms.add(new GanObjective.WeightedTerm(
                        LossTermConformanceTest.term(t.get("type").getAsString(), t, features),
                        t.get("weight").getAsDouble(),
                        t.get("adaptive").getAsBoolean()));
            }
            String adversarial = c.get("adversarial").getAsString();
            double adversarialWeight =
                    c.has("adversarialWeight") ? c.get("adversarialWeight").getAsDouble() : 1.0;
            GanObjective objective = new GanObjective(
                    LossCatalog.adversarial(adversarial).orElseThrow().create(0), adversarialWeight, terms);
            NDArray real = Golden.matrix(m, c.getAsJsonArray("real"));
            boolean discriminatorSide = c.get("side").getAsString().equals("discriminator");
            Network trained;
            LossBreakdown loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                if (discriminatorSide) {
                    trained = d;
                    NDArray fake = Golden.matrix(m, c.getAsJsonArray("fake"));
                    loss = objective.discriminator(
                            DiscriminatorPass.of(d, real, fake, Golden.replay(c.getAsJsonArray("draws"))));
                } else {
                    trained = MlpNetworks.generator(ModelConfig.mlp(2, 4, 1, false), m);
                    trained.load(Golden.tensors(c.getAsJsonObject("generator")));
                    d.setTrainable(false);
                    NDArray fake = trained.forward(Golden.matrix(m, c.getAsJsonArray("latent")));
                    loss = objective.generator(GeneratorPass.of(trained, d, fake, real, Golden.replay(null)));
                }
                assertClose(
                        c.get("adversarialValue").getAsDouble(),
                        loss.parts().get(adversarial).getFloat(),
                        SECOND_ORDER,
                        what + " " + adversarial);
                for (Map.Entry<String, JsonElement> p :
                        c.getAsJsonObject("parts").entrySet()) {
                    assertClose(
                            p.getValue().getAsDouble(),
                            loss.parts().get(p.getKey()).getFloat(),
                            SECOND_ORDER,
                            what + " weighted " + p.getKey());
                }
                assertEquals(
                        c.getAsJsonObject("coefficients").keySet(),
                        loss.adaptiveWeights().keySet(),
                        what + ": the adaptive terms");
                for (Map.Entry<String, JsonElement> w :
                        c.getAsJsonObject("coefficients").entrySet()) {
                    assertClose(
                            w.getValue().getAsDouble(),
                            loss.adaptiveWeights().get(w.getKey()),
                            SECOND_ORDER,
                            what + " coefficient of " + w.getKey());
                }
                assertClose(c.get("total").getAsDouble(), loss.total().getFloat(), SECOND_ORDER, what + " total");
                collector.backward(loss.total());
            }
            for (Map.Entry<String, JsonElement> g :
                    c.getAsJsonObject("gradParams").entrySet()) {
                assertClose(
                        g.getValue(),
                        trained.parameters().get(g.getKey()).getGradient().toFloatArray(),
                        SECOND_ORDER,
                        what + " dL/d" + g.getKey());
            }
        }
    }
}
