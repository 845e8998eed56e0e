package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * y = x Wᵀ + b with W of shape (out, in), PyTorch's {@code nn.Linear}; with {@code u} set, W is
 * spectrally normalized on every call ({@link SpectralNorm}).
 */
record DenseLayer(String name, NDArray weight, NDArray bias, NDArray u) {

    NDArray forward(NDArray input) {
        NDArray w = u == null ? weight : SpectralNorm.normalize(weight, u, input.getManager());
        return Linear.linear(input, w, bias).singletonOrThrow();
    }
}
