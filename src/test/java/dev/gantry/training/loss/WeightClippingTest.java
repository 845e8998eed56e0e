package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import org.junit.jupiter.api.Test;

class WeightClippingTest {

    @Test
    void clamps_every_discriminator_parameter_and_keeps_values_inside_the_interval() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // fanIn 2 → first-layer values up to 1/√2, well beyond the clip.
            Network d = MlpNetworks.discriminator(ModelConfig.mlp(2, 16, 2, false), manager);
            float clip = 0.05f;
            java.util.Map<String, float[]> before = new java.util.HashMap<>();
            d.parameters().forEach((k, p) -> before.put(k, p.toFloatArray()));

            new WeightClipping(clip).afterDiscriminatorUpdate(d);

            int clipped = 0;
            for (var e : d.parameters().entrySet()) {
                NDArray p = e.getValue();
                assertEquals(DataType.FLOAT32, p.getDataType());
                assertTrue(p.hasGradient(), "clipping must leave " + e.getKey() + " trainable");
                float[] old = before.get(e.getKey());
                float[] now = p.toFloatArray();
                for (int i = 0; i < now.length; i++) {
                    float expected = Math.max(-clip, Math.min(clip, old[i]));
                    assertEquals(expected, now[i], 0f, e.getKey() + "[" + i + "]");
                    clipped += expected != old[i] ? 1 : 0;
                }
            }
            assertTrue(clipped > 0, "nothing was out of range: the test proves nothing");
        }
    }
}
