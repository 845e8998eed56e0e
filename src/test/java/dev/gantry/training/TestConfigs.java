package dev.gantry.training;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;

/** Configs shared by tests and benchmarks. */
public final class TestConfigs {

    private TestConfigs() {}

    /** The default job spec of the design: grid25, MLP 256×3, latent 2, batch 256, Adam 1e-4 (0.5, 0.9). */
    public static TrainingConfig grid25(String adversarial, int steps, long seed) {
        OptimizerConfig adam = new OptimizerConfig("adam", 1e-4, 0.5, 0.9, "constant", 0);
        return new TrainingConfig(
                DataConfig.points("grid25"),
                ModelConfig.mlp(2, 256, 3, false),
                new LossConfig(adversarial, 0.0, List.of()),
                adam,
                adam,
                steps,
                256,
                1,
                seed,
                0,
                0,
                2500,
                0,
                0,
                0);
    }

    /** A small, fast config for tests of mechanics rather than quality. */
    public static TrainingConfig tiny(String dataset, String adversarial, int steps, long seed) {
        OptimizerConfig adam = new OptimizerConfig("adam", 1e-3, 0.5, 0.9, "constant", 0);
        return new TrainingConfig(
                DataConfig.points(dataset),
                ModelConfig.mlp(2, 32, 2, false),
                new LossConfig(adversarial, 0.0, List.of()),
                adam,
                adam,
                steps,
                64,
                1,
                seed,
                0,
                0,
                500,
                0,
                0,
                0);
    }
}
