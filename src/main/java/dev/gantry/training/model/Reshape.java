package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Gives each sample a new shape, PyTorch's {@code x.view(n, *shape)}: (n, 4096) → (n, 256, 4, 4)
 * behind a generator's first linear layer, or (n, 1, 1, 1) → (n, 1) behind a discriminator's
 * last convolution ({@link #FLATTEN}). One axis of {@code sampleShape} may be −1.
 */
record Reshape(long... sampleShape) implements Layer {

    /** (n, …) → (n, Π …), {@code nn.Flatten()}. */
    static final Reshape FLATTEN = new Reshape(-1);

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = x.getShape().get(0);
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return x.reshape(new Shape(shape));
    }
}
