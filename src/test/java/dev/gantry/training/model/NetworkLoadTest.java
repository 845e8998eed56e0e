package dev.gantry.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworkLoadTest {

    /**
     * Loaded parameters must own their memory: DJL tensors made from Java arrays borrow a direct
     * buffer, and a parameter that kept pointing into one read freed memory after a GC (a resumed
     * run went NaN, or the worker aborted, a few hundred steps in).
     */
    @Test
    void loaded_parameters_survive_garbage_collection_of_the_buffers_they_were_made_from() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            Network network = MlpNetworks.discriminator(ModelConfig.mlp(2, 64, 2, false), manager);
            Map<String, TensorData> values = new LinkedHashMap<>();
            Random random = new Random(7);
            network.parameters().forEach((name, p) -> {
                float[] v = new float[Math.toIntExact(p.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = random.nextFloat() - 0.5f;
                }
                values.put(name, new TensorData(p.getShape().getShape(), v));
            });

            network.load(values);
            for (int i = 0; i < 5; i++) {
                System.gc();
                // Direct buffers are freed by a cleaner thread after GC; give it work and time.
                byte[][] garbage = new byte[64][];
                for (int j = 0; j < garbage.length; j++) {
                    garbage[j] = new byte[1 << 20];
                }
                Thread.sleep(50);
            }
            // New direct allocations would reuse the freed memory of a borrowed buffer.
            for (int i = 0; i < 200; i++) {
                manager.create(new float[4096]).close();
            }

            network.parameters()
                    .forEach((name, p) -> assertThat(p.toFloatArray())
                            .as(name)
                            .containsExactly(values.get(name).values()));
        }
    }
}
