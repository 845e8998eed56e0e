package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.model.Architectures;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The moving average covers batch-norm statistics too, as AveragedModel(use_buffers=True) does. */
class GeneratorEmaTest {

    @Test
    void running_statistics_are_averaged_like_the_weights() {
        ModelConfig model = new ModelConfig("dcgan", 8, 0, 0, 4, false, false, "batch");
        DataConfig data = new DataConfig("digits", 32, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            Network generator = Architectures.generator(model, data, 0, m);
            GeneratorEma ema = new GeneratorEma(0.9, generator, Architectures.generator(model, data, 0, m));
            Map<String, TensorData> before = ema.snapshot();
            // A forward pass in training mode moves the generator's running statistics.
            try (NDManager s = m.newSubManager()) {
                generator.setTrainable(false);
                generator.forward(s.randomNormal(new Shape(16, 8)));
            }
            Map<String, TensorData> current = generator.snapshot();
            ema.update(generator);
            Map<String, TensorData> after = ema.snapshot();
            int buffers = 0;
            for (String name : generator.state().keySet()) {
                float[] old = before.get(name).values();
                float[] now = current.get(name).values();
                float[] avg = after.get(name).values();
                for (int i = 0; i < avg.length; i++) {
                    assertEquals(0.9f * old[i] + 0.1f * now[i], avg[i], 1e-6f, name + "[" + i + "]");
                }
                buffers++;
            }
            assertTrue(
                    buffers >= 4,
                    "the DCGAN generator has batch-norm buffers: "
                            + generator.state().keySet());
        }
    }
}
