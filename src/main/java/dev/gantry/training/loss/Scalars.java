package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication by a constant that is safe inside the autograd graph. DJL's {@code mul(Number)}
 * makes a 0-dim tensor over a fresh direct buffer and closes its NDArray at once; autograd keeps
 * that tensor for the backward of the product, but the buffer is only held by the closed NDArray,
 * so a garbage collection in between frees it and the backward reads freed memory (measured: a
 * few wrong or infinite gradients per thousand steps, and runs that were not reproducible). Here
 * the constant is an array on {@code x}'s manager, alive until the step's manager closes.
 */
final class Scalars {

    private Scalars() {}

    /** x·c, c as float32 (a double would promote a 0-dim loss to float64). */
    static NDArray times(NDArray x, double c) {
        return x.mul(x.getManager().create((float) c));
    }
}
