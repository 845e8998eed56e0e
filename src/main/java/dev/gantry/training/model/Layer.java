package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;

/**
 * One step of a {@link Network}'s forward pass. A layer holds its own arrays; the network knows
 * them by the stable names the layer was built with.
 */
public interface Layer {

    /** The output, attached to the input's manager (or {@link Pass#manager()}). */
    NDArray forward(NDArray x, Pass pass);

    /**
     * True when a sample's output depends on the other samples of its batch (batch normalization
     * in training mode). Such a network must see real and generated batches apart, and input
     * gradients of it are not per-sample.
     */
    default boolean batchStatistics() {
        return false;
    }
}
