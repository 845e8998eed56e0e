package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where the loop augments: every image D sees, real and generated, in the D update and the G
 * update. Counted by the draws the translation makes (two per image), which nothing else in a
 * step draws.
 */
class AugmentationInLoopTest {

    private static final int BATCH = 8;
    private static final OptimizerConfig ADAM = new OptimizerConfig("adam", 2e-4, 0.5, 0.999, "constant", 0);

    private static TrainingConfig config(AugmentConfig augment) {
        return new TrainingConfig(
                        new DataConfig("digits", 32, 1),
                        new ModelConfig("dcgan", 8, 0, 0, 4, false, false, "batch"),
                        new LossConfig("non-saturating", 0, List.of()),
                        ADAM,
                        ADAM,
                        10,
                        BATCH,
                        1,
                        3,
                        0,
                        0,
                        64,
                        0,
                        0,
                        0)
                .toBuilder().augment(augment).build();
    }

    @Test
    void the_d_update_augments_real_and_fake_and_the_g_update_augments_fake() {
        AugmentConfig translation = new AugmentConfig(List.of("translation"), false, 0.6, 4, 500);
        assertEquals(2 * BATCH * 2, shifts(config(translation), true) - shifts(config(AugmentConfig.OFF), true));
        assertEquals(2 * BATCH, shifts(config(translation), false) - shifts(config(AugmentConfig.OFF), false));
    }

    @Test
    void adaptive_augmentation_observes_every_d_update_and_adjusts_p_after_each_interval() {
        AugmentConfig ada = new AugmentConfig(List.of("translation"), true, 0.6, 2, 0.001);
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config(ada), base)) {
            Map<String, Double> first = state.trainStep(1);
            assertTrue(!first.containsKey("augment/rt"), "no interval complete after one update: " + first);
            Map<String, Double> second = state.trainStep(2);
            double rt = second.get("augment/rt");
            assertTrue(rt >= -1 && rt <= 1, "r_t = E[sign D(real)] " + rt);
            // One step of 2 updates × 8 images at kimg 0.001 moves p by 16 → clamped to 0 or 1.
            double expected = rt > 0.6 ? 1 : 0;
            assertEquals(expected, second.get("augment/p"), "p after r_t " + rt);
        }
    }

    /** Two-argument nextInt draws (the translation's shifts) of one D or G update. */
    private static long shifts(TrainingConfig config, boolean discriminator) {
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, base);
                NDManager s = base.newSubManager()) {
            CountingRandom rng = new CountingRandom(9);
            if (discriminator) {
                state.discriminatorUpdate(s, rng, 1);
            } else {
                state.generatorUpdate(s, rng, 1);
            }
            return rng.ranged;
        }
    }
}
