package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * y = x Wᵀ + b with W of shape (out, in), PyTorch's {@code nn.Linear}; {@code bias} may be null.
 * With {@code u} set, W is spectrally normalized on every call ({@link SpectralNorm}).
 */
record Dense(String name, NDArray weight, NDArray bias, NDArray u) implements Layer {

    @Override
    public NDArray forward(NDArray input, Pass pass) {
        NDArray w = u == null ? weight : SpectralNorm.normalize(weight, u, pass.manager(), pass.training());
        return Linear.linear(input, w, bias).singletonOrThrow();
    }
}
