package dev.gantry.training;

import static dev.gantry.training.OptimizerGolden.assertClose;
import static dev.gantry.training.OptimizerGolden.assertMomentClose;
import static dev.gantry.training.OptimizerGolden.tensors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AdamOptimizer} and {@link LearningRateSchedule} against {@code torch.optim.Adam} stepped
 * by {@code LambdaLR}: a small MLP is fed PyTorch's fixed gradients for five steps, and its
 * parameters are compared after every step (see {@link OptimizerGolden} for the tolerance). One
 * parameter gets gradients of 1e-8, where it matters on which side of the bias correction ε sits.
 */
class AdamConformanceTest {

    static List<String> cases() {
        return StreamSupport.stream(OptimizerGolden.JSON.getAsJsonArray("adam").spliterator(), false)
                .map(c -> c.getAsJsonObject().get("name").getAsString())
                .toList();
    }

    @Test
    void golden_file_covers_every_schedule() {
        assertEquals(
                TrainingCatalog.SCHEDULES,
                java.util.Set.copyOf(cases().stream()
                        .map(name -> golden(name).get("schedule").getAsString())
                        .toList()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void learning_rates_and_parameters_after_every_step_match_torch(String name) {
        JsonObject c = golden(name);
        int steps = c.get("steps").getAsInt();
        OptimizerConfig config = new OptimizerConfig(
                "adam",
                c.get("learningRate").getAsDouble(),
                c.get("beta1").getAsDouble(),
                c.get("beta2").getAsDouble(),
                c.get("schedule").getAsString(),
                c.get("decayStartStep").getAsInt());
        try (NDManager manager = NDManager.newBaseManager();
                AdamOptimizer adam = new AdamOptimizer(config, steps, manager)) {
            Network net = MlpNetworks.discriminator(ModelConfig.mlp(2, 3, 1, false), manager);
            net.load(tensors(c.getAsJsonObject("initial")));
            JsonArray updates = c.getAsJsonArray("updates");
            for (int t = 1; t <= steps; t++) {
                JsonObject u = updates.get(t - 1).getAsJsonObject();
                assertClose(u.get("lr").getAsDouble(), adam.learningRate(t), 1e-12, 0, name + " lr at step " + t);
                feedGradients(net, tensors(u.getAsJsonObject("gradients")), manager);
                adam.update(net, t);
                assertClose(tensors(u.getAsJsonObject("parameters")), net.snapshot(), name + " step " + t);
            }
            AdamState state = adam.state();
            assertEquals(steps, state.updates());
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("moments").entrySet()) {
                JsonObject m = e.getValue().getAsJsonObject();
                assertMomentClose(
                        OptimizerGolden.floats(m.getAsJsonArray("means")),
                        state.means().get(e.getKey()).values(),
                        OptimizerGolden.RELATIVE,
                        name + " first moment " + e.getKey());
                // libtorch's fused kernel rounds 1−β₂ to float32 itself (see AdamOptimizer):
                // 1.3e-5 relative on v for β₂ = 0.999.
                assertMomentClose(
                        OptimizerGolden.floats(m.getAsJsonArray("variances")),
                        state.variances().get(e.getKey()).values(),
                        2e-5,
                        name + " second moment " + e.getKey());
            }
        }
    }

    /** Backward of Σ p·g makes each parameter's gradient exactly g. */
    private static void feedGradients(Network net, Map<String, TensorData> gradients, NDManager manager) {
        net.zeroGradients();
        try (NDManager s = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
                TensorData g = gradients.get(e.getKey());
                NDArray term = s.create(g.values(), new Shape(g.shape()))
                        .mul(e.getValue())
                        .sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    private static JsonObject golden(String name) {
        for (JsonElement c : OptimizerGolden.JSON.getAsJsonArray("adam")) {
            if (c.getAsJsonObject().get("name").getAsString().equals(name)) {
                return c.getAsJsonObject();
            }
        }
        throw new AssertionError("no golden case " + name);
    }
}
