package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

import dev.gantry.training.model.Network;

/**
 * What one generator step computed, handed to every term.
 *
 * @param real a real batch, or {@code null} unless the objective asked for it
 * @param realLogits D(real), or {@code null} unless the objective asked for it
 * @param discriminator frozen during this step: gradients flow through it to the generator only
 */
public record GeneratorPass(
        NDArray fake, NDArray fakeLogits, NDArray real, NDArray realLogits, Network discriminator) {}
