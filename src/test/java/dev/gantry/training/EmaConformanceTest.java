package dev.gantry.training;

import static dev.gantry.training.OptimizerGolden.assertClose;
import static dev.gantry.training.OptimizerGolden.tensors;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import org.junit.jupiter.api.Test;

/**
 * {@link GeneratorEma} against {@code torch.optim.swa_utils.AveragedModel} with the EMA avg_fn,
 * from {@code scripts/training/optimizer_golden.py}: the generator moves five times and the
 * average is compared after each move.
 */
class EmaConformanceTest {

    @Test
    void the_average_starts_at_the_generator_and_follows_torch_after_every_update() {
        ModelConfig model = ModelConfig.mlp(2, 3, 1, false);
        for (JsonElement element : OptimizerGolden.JSON.getAsJsonArray("ema")) {
            JsonObject c = element.getAsJsonObject();
            double decay = c.get("decay").getAsDouble();
            try (NDManager manager = NDManager.newBaseManager()) {
                Network generator = MlpNetworks.generator(model, manager);
                generator.load(tensors(c.getAsJsonObject("initial")));
                GeneratorEma ema = new GeneratorEma(decay, generator, MlpNetworks.generator(model, manager));
                assertClose(tensors(c.getAsJsonObject("initial")), ema.snapshot(), "decay " + decay + " start");
                int step = 0;
                for (JsonElement u : c.getAsJsonArray("updates")) {
                    step++;
                    generator.load(tensors(u.getAsJsonObject().getAsJsonObject("generator")));
                    ema.update(generator);
                    assertClose(
                            tensors(u.getAsJsonObject().getAsJsonObject("average")),
                            ema.snapshot(),
                            "decay " + decay + " step " + step);
                }
            }
        }
    }
}
