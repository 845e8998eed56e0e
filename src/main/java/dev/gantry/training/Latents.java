package dev.gantry.training;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The latent vectors behind every sample Gantry draws from a seed: {@code count × dim} values of
 * N(0, 1), {@code (float) SplittableRandom(seed).nextGaussian()} in row-major order. Plain Java, so
 * the API can hand a client the very latents of a draw without loading libtorch.
 */
public final class Latents {

    private Latents() {}

    public static float[] draw(long seed, int count, int dim) {
        return draw(new SplittableRandom(seed), count, dim);
    }

    static float[] draw(RandomGenerator rng, int count, int dim) {
        float[] z = new float[Math.multiplyExact(count, dim)];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return z;
    }
}
