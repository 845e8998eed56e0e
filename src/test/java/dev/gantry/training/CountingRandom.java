package dev.gantry.training;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A seeded generator that counts what is drawn through it: Gaussians (instance noise, latents)
 * and bounded ints (the augmentation's shifts), so a test can see who draws in a step.
 */
final class CountingRandom implements RandomGenerator {

    private final SplittableRandom delegate;
    long gaussians;
    long ranged;

    CountingRandom(long seed) {
        this.delegate = new SplittableRandom(seed);
    }

    @Override
    public long nextLong() {
        return delegate.nextLong();
    }

    @Override
    public double nextGaussian() {
        gaussians++;
        return delegate.nextGaussian();
    }

    @Override
    public int nextInt(int origin, int bound) {
        ranged++;
        return delegate.nextInt(origin, bound);
    }
}
