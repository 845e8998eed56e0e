package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.TrainingConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstanceNoiseTest {

    @Test
    void sigma_anneals_linearly_from_the_first_step_to_zero_after_the_last() {
        InstanceNoise noise = new InstanceNoise(0.4, 100);
        assertEquals(0.4, noise.sigma(1), 1e-15);
        assertEquals(0.2, noise.sigma(51), 1e-15);
        assertEquals(0.004, noise.sigma(100), 1e-15);
        assertEquals(0.0, noise.sigma(101), 1e-15);
    }

    @Test
    void noise_is_sigma_times_the_generators_gaussians_added_to_the_batch() {
        InstanceNoise noise = new InstanceNoise(0.5, 10);
        float[] x = {1, -2, 3, 0.25f, 7, -0.5f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = m.create(x, new Shape(3, 2));
            float[] noisy = noise.apply(batch, new SplittableRandom(42), 3).toFloatArray();
            SplittableRandom replay = new SplittableRandom(42);
            double sigma = 0.5 * (1 - 2 / 10.0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i] + (float) (sigma * replay.nextGaussian()), noisy[i], 0f, "element " + i);
            }
            assertEquals(new Shape(3, 2), batch.getShape());
            assertEquals(x[0], batch.toFloatArray()[0], 0f, "the batch itself is left alone");
        }
    }

    @Test
    void when_off_the_batch_passes_through_and_nothing_is_drawn() {
        InstanceNoise off = new InstanceNoise(0, 10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = m.create(new float[] {1, 2}, new Shape(1, 2));
            CountingRandom rng = new CountingRandom(1);
            assertSame(batch, off.apply(batch, rng, 1));
            assertEquals(0, rng.gaussians);
        }
    }

    @Test
    void both_updates_perturb_every_batch_the_discriminator_sees() {
        TrainingConfig plain = TestConfigs.tiny("ring8", "non-saturating", 10, 3);
        TrainingConfig noisy = new TrainingConfig(
                plain.data(),
                plain.model(),
                plain.loss(),
                plain.generatorOptimizer(),
                plain.discriminatorOptimizer(),
                plain.steps(),
                plain.batchSize(),
                1,
                plain.seed(),
                0,
                0,
                plain.evaluationSamples(),
                0,
                0,
                0.1);
        int values = plain.batchSize() * 2;
        // D step: noise on the real and on the generated batch; G step: on the generated batch
        // (this loss's generator step has no real batch).
        assertEquals(2 * values, gaussians(noisy, true) - gaussians(plain, true), "discriminator update");
        assertEquals(values, gaussians(noisy, false) - gaussians(plain, false), "generator update");
    }

    private static long gaussians(TrainingConfig config, boolean discriminator) {
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, base);
                NDManager s = base.newSubManager()) {
            CountingRandom rng = new CountingRandom(9);
            if (discriminator) {
                state.discriminatorUpdate(s, rng, 1);
            } else {
                state.generatorUpdate(s, rng, 1);
            }
            return rng.gaussians;
        }
    }
}
