package dev.gantry.training;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;

/** Draws points from a trained generator, for serving: no gradient collector is involved. */
public final class GeneratorSampler {

    private GeneratorSampler() {}

    /**
     * Loads the generator of {@code checkpoint} into the model {@code config} describes and draws
     * {@code count} points; the same seed gives the same points. When the checkpoint holds a
     * moving average of the generator, that is what samples, as in the run's own evaluations.
     *
     * @return {@code count} rows of {x, y}
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     */
    public static float[][] sample(TrainingConfig config, byte[] checkpoint, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        Checkpoint c = Checkpoint.decode(checkpoint);
        TrainingState.checkModel(config.model(), c);
        try (NDManager manager = NDManager.newBaseManager()) {
            Network generator = MlpNetworks.generator(config.model(), manager);
            try {
                generator.load(c.generatorEma().isEmpty() ? c.generator() : c.generatorEma());
            } catch (IllegalArgumentException e) {
                throw new InvalidCheckpointException(
                        "checkpoint does not fit the configured model: " + e.getMessage(), e);
            }
            float[] flat = TrainingState.generate(generator, config.model().latentDim(), count, seed, manager);
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = new float[] {flat[2 * i], flat[2 * i + 1]};
            }
            return out;
        }
    }
}
