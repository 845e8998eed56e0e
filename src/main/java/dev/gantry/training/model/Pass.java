package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What every layer of one forward pass may need besides its input.
 *
 * @param training batch normalization uses (and updates) batch statistics when true, its running
 *     averages when false; spectral norm runs its power iteration only when true
 * @param labels class indices (int32, shape (batch)) for conditional layers; {@code null} when the
 *     network is unconditional
 * @param manager where derived arrays that must not pile up in the model's manager go (the step's)
 */
public record Pass(boolean training, NDArray labels, NDManager manager) {

    /** The labels, for a conditional layer. */
    NDArray requireLabels() {
        if (labels == null) {
            throw new IllegalArgumentException("a conditional network needs the class of every sample");
        }
        return labels;
    }
}
