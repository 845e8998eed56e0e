package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import org.junit.jupiter.api.Test;

/**
 * Native handles a run holds stay constant from step to step, with every option that allocates
 * per step on (EMA, instance noise, schedules): a leaked handle per step would show here at once,
 * long before {@link RssStabilityTest} sees it.
 */
class ArrayHandleTest {

    @Test
    void steps_checkpoints_and_sampling_with_every_option_on_leave_no_arrays_behind() {
        TrainingConfig tiny = TestConfigs.tiny("ring8", "non-saturating", 50, 4);
        OptimizerConfig decaying = new OptimizerConfig("adam", 1e-3, 0.5, 0.9, "linear", 10);
        TrainingConfig config = new TrainingConfig(
                tiny.data(),
                tiny.model(),
                tiny.loss(),
                decaying,
                decaying,
                tiny.steps(),
                tiny.batchSize(),
                2,
                tiny.seed(),
                0,
                0,
                100,
                0,
                0.99,
                0.1);
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, base)) {
            // The first step creates the optimizers' moments.
            state.trainStep(1);
            int afterFirstStep = base.getManagedArrays().size();
            for (int step = 2; step <= config.steps(); step++) {
                state.trainStep(step);
                state.checkpoint(step);
                state.generate(100, step, null);
            }
            state.restore(state.checkpoint(config.steps()));
            assertEquals(afterFirstStep, base.getManagedArrays().size());
        }
    }
}
