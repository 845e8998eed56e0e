package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.autograd.TorchScriptAutograd;
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
    static NDArray of(DiscriminatorPass pass, NDArray x, NDArray labels) {
        NDArray input = x;
        if (!input.hasGradient()) {
            // x.detach().requires_grad_(): a new leaf on x's storage, no copy; marking x itself
            // would make the step's backward write a .grad into the caller's batch.
            input = x.stopGradient();
            input.setRequiresGradient(true);
        }
        return TorchScriptAutograd.inputGradient(pass.discriminate(input, labels), input);
    }

    /** √(Σⱼ gᵢⱼ² + 1e-12) per sample, j over every non-batch axis, shape (n). */
    static NDArray rowNorms(NDArray gradients) {
        return squaredNorms(gradients).add(NORM_EPSILON).sqrt();
    }

    /** Σⱼ gᵢⱼ² per sample, j over every non-batch axis, shape (n). */
    static NDArray squaredNorms(NDArray gradients) {
        return gradients.square().sum(nonBatchAxes(gradients));
    }

    static int[] nonBatchAxes(NDArray x) {
        int[] axes = new int[x.getShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    /**
     * Values of U[0, 1) from {@code random}, in row-major order, of the given shape: (n, 1, …, 1)
     * for one value per sample that broadcasts over the sample, or a sample's shape for one per
     * value.
     */
    static NDArray uniform(RandomGenerator random, NDManager manager, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return manager.create(values, shape);
    }

    /** (n, 1, …, 1) of {@code x}'s rank: one value per sample, broadcasting over it. */
    static Shape perSample(NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return new Shape(shape);
    }
}
