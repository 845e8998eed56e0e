package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Layers applied one after the other, as one layer (a residual branch, a conv then a flatten). */
record Sequence(List<Layer> layers) implements Layer {

    Sequence {
        layers = List.copyOf(layers);
    }

    static Sequence of(Layer... layers) {
        return new Sequence(List.of(layers));
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray h = x;
        for (Layer layer : layers) {
            h = layer.forward(h, pass);
        }
        return h;
    }

    @Override
    public boolean batchStatistics() {
        return layers.stream().anyMatch(Layer::batchStatistics);
    }
}
