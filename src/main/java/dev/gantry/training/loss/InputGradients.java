package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.autograd.TorchScriptAutograd;
import dev.gantry.training.model.Network;
import java.util.random.RandomGenerator;

/** What the gradient penalties share: ∇ₓD(x) per sample, its norm, and uniform draws. */
final class InputGradients {

    /** Inside the square root of a gradient norm, so its derivative stays finite at 0. */
    static final float NORM_EPSILON = 1e-12f;

    private InputGradients() {}

    /**
     * ∇ₓ D(x) for each row of x (D's output rows are independent, so the gradient of their sum
     * is the per-sample gradient), differentiable for the backward to D's parameters.
     */
    static NDArray of(Network discriminator, NDArray x) {
        NDArray input = x;
        if (!input.hasGradient()) {
            // x.detach().requires_grad_(): a new leaf on x's storage, no copy; marking x itself
            // would make the step's backward write a .grad into the caller's batch.
            input = x.stopGradient();
            input.setRequiresGradient(true);
        }
        return TorchScriptAutograd.inputGradient(discriminator.forward(input), input);
    }

    /** √(Σⱼ gᵢⱼ² + 1e-12) per row, shape (n). */
    static NDArray rowNorms(NDArray gradients) {
        return gradients.square().sum(new int[] {1}).add(NORM_EPSILON).sqrt();
    }

    /** n × cols values of U[0, 1) from {@code random}, row by row. */
    static NDArray uniform(RandomGenerator random, NDManager manager, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return manager.create(values, new Shape(rows, cols));
    }
}
