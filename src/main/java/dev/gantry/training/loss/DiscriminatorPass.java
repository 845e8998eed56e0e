package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.gantry.training.model.Network;
import java.util.random.RandomGenerator;

/**
 * What one discriminator step computed, handed to every term. A term that needs more (a gradient
 * penalty on interpolates) calls {@code discriminator.forward} itself.
 *
 * @param fake generator output, already detached from the generator's graph
 * @param random the step's generator; terms draw their noise (interpolation weights,
 *     perturbations) from it so that a run stays bitwise reproducible
 */
public record DiscriminatorPass(
        NDArray real,
        NDArray fake,
        NDArray realLogits,
        NDArray fakeLogits,
        Network discriminator,
        RandomGenerator random) {

    /** Runs the discriminator once over real and fake together: half the ops of two passes. */
    public static DiscriminatorPass of(Network discriminator, NDArray real, NDArray fake, RandomGenerator random) {
        NDList logits = discriminator.forward(real.concat(fake, 0)).split(2, 0);
        return new DiscriminatorPass(real, fake, logits.get(0), logits.get(1), discriminator, random);
    }
}
