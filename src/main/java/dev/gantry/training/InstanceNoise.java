package dev.gantry.training;

import ai.djl.ndarray.NDArray;
import java.util.random.RandomGenerator;

/**
 * Instance noise (Sønderby et al. 2017, "Amortised MAP Inference for Image Super-resolution";
 * Arjovsky and Bottou 2017): Gaussian noise added to every batch the discriminator sees, real and
 * generated, in the discriminator and the generator steps alike, so the two distributions overlap
 * and D cannot become perfectly sharp. The standard deviation anneals linearly,
 * σ_t = σ₀·(1 − (t − 1)/N) for step t of N: σ₀ at the first step, σ₀/N at the last, 0 just after.
 *
 * <p>The noise is drawn from the step's Java generator, not libtorch's, so it is part of the
 * seeded sequence and a resumed run redraws exactly the same values.
 */
final class InstanceNoise {

    private final double initialSigma;
    private final long steps;

    InstanceNoise(double initialSigma, int steps) {
        this.initialSigma = initialSigma;
        this.steps = steps;
    }

    boolean isOn() {
        return initialSigma > 0;
    }

    double sigma(long step) {
        return initialSigma * (1 - (double) (step - 1) / steps);
    }

    /**
     * {@code x} plus noise of the step's σ, in a new array on {@code x}'s manager; {@code x} itself
     * (and nothing drawn) when instance noise is off. Gradients flow through to {@code x}.
     */
    NDArray apply(NDArray x, RandomGenerator rng, long step) {
        if (!isOn()) {
            return x;
        }
        double sigma = sigma(step);
        float[] noise = new float[Math.toIntExact(x.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (sigma * rng.nextGaussian());
        }
        return x.add(x.getManager().create(noise, x.getShape()));
    }
}
