package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.gantry.training.model.Network;
import java.util.random.RandomGenerator;

/**
 * What one discriminator step computed, handed to every term. A term that needs more (a gradient
 * penalty on interpolates) calls {@link #discriminate} itself.
 *
 * @param fake generator output, already detached from the generator's graph
 * @param realLabels classes of the real batch for a conditional D, else {@code null}
 * @param fakeLabels classes the fake batch was generated for, else {@code null}
 * @param random the step's generator; terms draw their noise (interpolation weights,
 *     perturbations) from it so that a run stays bitwise reproducible
 */
public record DiscriminatorPass(
        NDArray real,
        NDArray realLabels,
        NDArray fake,
        NDArray fakeLabels,
        NDArray realLogits,
        NDArray fakeLogits,
        Network discriminator,
        RandomGenerator random) {

    public static DiscriminatorPass of(Network discriminator, NDArray real, NDArray fake, RandomGenerator random) {
        return of(discriminator, real, null, fake, null, random);
    }

    /**
     * Runs the discriminator over real and fake together (half the ops of two passes) unless it
     * normalizes by batch statistics: then real and fake must be batches of their own, as in
     * DCGAN, or each would be normalized by the other's statistics.
     */
    public static DiscriminatorPass of(
            Network discriminator,
            NDArray real,
            NDArray realLabels,
            NDArray fake,
            NDArray fakeLabels,
            RandomGenerator random) {
        NDArray realLogits;
        NDArray fakeLogits;
        if (discriminator.batchStatistics()) {
            realLogits = discriminator.forward(real, realLabels);
            fakeLogits = discriminator.forward(fake, fakeLabels);
        } else {
            NDList logits = discriminator
                    .forward(real.concat(fake, 0), concat(realLabels, fakeLabels))
                    .split(2, 0);
            realLogits = logits.get(0);
            fakeLogits = logits.get(1);
        }
        return new DiscriminatorPass(real, realLabels, fake, fakeLabels, realLogits, fakeLogits, discriminator, random);
    }

    /** D on other inputs of this step, conditioned on {@code labels} when D is conditional. */
    public NDArray discriminate(NDArray x, NDArray labels) {
        return discriminator.forward(x, labels);
    }

    static NDArray concat(NDArray a, NDArray b) {
        return a == null ? null : a.concat(b, 0);
    }
}
