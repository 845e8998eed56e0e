package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.TensorData;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientHygieneTest {

    private final TrainingConfig config = TestConfigs.tiny("ring8", "non-saturating", 100, 11);

    @Test
    void generator_update_leaves_discriminator_parameters_unchanged() {
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, base)) {
            state.trainStep(1);
            Map<String, TensorData> dBefore = state.discriminator.snapshot();
            Map<String, TensorData> gBefore = state.generator.snapshot();
            try (NDManager s = base.newSubManager()) {
                state.generatorUpdate(s, new SplittableRandom(5), 2);
            }
            assertSameValues(dBefore, state.discriminator.snapshot());
            assertFalse(sameValues(gBefore, state.generator.snapshot()), "the generator update changed nothing");
        }
    }

    @Test
    void discriminator_update_after_a_generator_step_equals_one_from_fresh_gradients() {
        try (NDManager base = NDManager.newBaseManager();
                TrainingState afterG = TrainingState.create(config, base);
                TrainingState fresh = TrainingState.create(config, base)) {
            afterG.trainStep(1);
            try (NDManager s = base.newSubManager()) {
                afterG.generatorUpdate(s, new SplittableRandom(5), 2);
            }
            // Same parameters and moments, but no gradient history at all.
            fresh.restore(Checkpoint.decode(afterG.checkpoint(2).encode()));
            try (NDManager s = base.newSubManager()) {
                afterG.discriminatorUpdate(s, new SplittableRandom(6), 3);
                fresh.discriminatorUpdate(s, new SplittableRandom(6), 3);
            }
            assertSameValues(fresh.discriminator.snapshot(), afterG.discriminator.snapshot());
        }
    }

    @Test
    void generator_update_after_a_discriminator_step_equals_one_from_fresh_gradients() {
        try (NDManager base = NDManager.newBaseManager();
                TrainingState afterD = TrainingState.create(config, base);
                TrainingState fresh = TrainingState.create(config, base)) {
            afterD.trainStep(1);
            try (NDManager s = base.newSubManager()) {
                afterD.discriminatorUpdate(s, new SplittableRandom(5), 2);
            }
            fresh.restore(Checkpoint.decode(afterD.checkpoint(2).encode()));
            try (NDManager s = base.newSubManager()) {
                afterD.generatorUpdate(s, new SplittableRandom(6), 3);
                fresh.generatorUpdate(s, new SplittableRandom(6), 3);
            }
            assertSameValues(fresh.generator.snapshot(), afterD.generator.snapshot());
        }
    }

    static void assertSameValues(Map<String, TensorData> expected, Map<String, TensorData> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).values(), actual.get(name).values(), name);
        }
    }

    static boolean sameValues(Map<String, TensorData> a, Map<String, TensorData> b) {
        return a.keySet().equals(b.keySet())
                && a.keySet().stream()
                        .allMatch(k -> Arrays.equals(a.get(k).values(), b.get(k).values()));
    }
}
