package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

import dev.gantry.training.model.Network;

/**
 * What one discriminator step computed, handed to every term. A term that needs more (a gradient
 * penalty on interpolates) calls {@code discriminator.forward} itself.
 *
 * @param fake generator output, already detached from the generator's graph
 */
public record DiscriminatorPass(
        NDArray real, NDArray fake, NDArray realLogits, NDArray fakeLogits, Network discriminator) {}
