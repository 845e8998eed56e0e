package dev.gantry.training;

import ai.djl.ndarray.NDManager;

/** Draws points from a trained generator, for serving: no gradient collector is involved. */
public final class GeneratorSampler {

    private GeneratorSampler() {}

    /**
     * Loads the generator of {@code checkpoint} into the model {@code config} describes and draws
     * {@code count} points; the same seed gives the same points.
     *
     * @return {@code count} rows of {x, y}
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     */
    public static float[][] sample(TrainingConfig config, byte[] checkpoint, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, base)) {
            state.restore(Checkpoint.decode(checkpoint));
            float[] flat = state.generate(count, seed);
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = new float[] {flat[2 * i], flat[2 * i + 1]};
            }
            return out;
        }
    }
}
