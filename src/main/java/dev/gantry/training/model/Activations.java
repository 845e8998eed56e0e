package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One forward pass with its taps: the output of every hidden layer after its nonlinearity, first
 * layer first, and the network's output.
 */
public record Activations(List<NDArray> hidden, NDArray output) {

    public Activations {
        hidden = List.copyOf(hidden);
    }
}
