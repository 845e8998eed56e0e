package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the layers of a convolutional network and registers their arrays with the {@link
 * Network.Builder} under PyTorch's state-dict names ({@code conv1.weight}, {@code
 * bn1.running_mean}, {@code c1.weight_u} …). Initial values are drawn from libtorch's generator
 * at the moment a method is called, so the order of calls is the draw order. Spectral-norm
 * vectors u are registered in place but drawn only by {@link #drawSpectralVectors}, after every
 * weight, as {@link MlpNetworks} does: a network's weights are then the same with and without
 * spectral norm.
 */
final class LayerFactory {

    private final Network.Builder net;
    private final NDManager manager;
    private final List<NDArray[]> pendingU = new ArrayList<>();

    LayerFactory(Network.Builder net, NDManager manager) {
        this.net = net;
        this.manager = manager;
    }

    Network.Builder network() {
        return net;
    }

    /** A parameter drawn from N(mean, std²). */
    NDArray normal(String name, float mean, float std, long... shape) {
        return net.parameter(name, manager.randomNormal(mean, std, new Shape(shape), DataType.FLOAT32));
    }

    /** A parameter drawn from U(−bound, bound). */
    NDArray uniform(String name, float bound, long... shape) {
        return net.parameter(name, manager.randomUniform(-bound, bound, new Shape(shape), DataType.FLOAT32));
    }

    /**
     * Glorot & Bengio's uniform init, {@code nn.init.xavier_uniform_(w, gain)}: U(−a, a) with a =
     * gain·√(6 / (fan_in + fan_out)), fan_in = shape[1]·k·k, fan_out = shape[0]·k·k.
     */
    NDArray xavier(String name, double gain, long... shape) {
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        double fans = (shape[0] + shape[1]) * (double) receptive;
        return uniform(name, (float) (gain * Math.sqrt(6 / fans)), shape);
    }

    /** PyTorch's default bias of a layer with this fan-in: U(−1/√fanIn, 1/√fanIn). */
    NDArray defaultBias(String name, long fanIn, long size) {
        return uniform(name, (float) (1 / Math.sqrt(fanIn)), size);
    }

    NDArray constantParameter(String name, float value, long size) {
        return net.parameter(name, manager.full(new Shape(size), value));
    }

    /** A convolution on registered arrays; spectrally normalized with a {@code <name>.weight_u}. */
    Conv2d conv(String name, NDArray weight, NDArray bias, boolean spectral, int stride, int padding) {
        return new Conv2d(weight, bias, spectral ? spectralVector(name, weight) : null, stride, padding);
    }

    Dense dense(String name, NDArray weight, NDArray bias, boolean spectral) {
        return new Dense(name, weight, bias, spectral ? spectralVector(name, weight) : null);
    }

    /** {@code nn.BatchNorm2d}: running statistics 0 and 1, registered after the given γ and β. */
    BatchNorm batchNorm(String name, NDArray gamma, NDArray beta) {
        long channels = gamma.getShape().get(0);
        return new BatchNorm(gamma, beta, runningMean(name, channels), runningVar(name, channels));
    }

    /**
     * {@code ConditionalBatchNorm2d}: {@code <name>.bn.running_mean}, {@code .bn.running_var}
     * and {@code <name>.embed.weight} (classes, 2C), gains 1 then biases 0 (no draw).
     */
    ConditionalBatchNorm conditionalBatchNorm(String name, long channels, int classes) {
        NDArray mean = runningMean(name + ".bn", channels);
        NDArray var = runningVar(name + ".bn", channels);
        NDArray embedding;
        try (NDArray gains = manager.ones(new Shape(classes, channels));
                NDArray biases = manager.zeros(new Shape(classes, channels))) {
            embedding = net.parameter(name + ".embed.weight", gains.concat(biases, 1));
        }
        // Without affine: constant γ = 1, β = 0 that no optimizer sees.
        BatchNorm plain =
                new BatchNorm(manager.ones(new Shape(channels)), manager.zeros(new Shape(channels)), mean, var);
        return new ConditionalBatchNorm(plain, embedding);
    }

    /** A projection head around {@code unconditional} with a registered embedding. */
    ProjectionHead projection(Layer unconditional, String name, NDArray embedding, boolean spectral) {
        return new ProjectionHead(unconditional, embedding, spectral ? spectralVector(name, embedding) : null);
    }

    /** Draws every u registered so far, in registration order: normalize(N(0, 1)) each. */
    void drawSpectralVectors() {
        for (NDArray[] weightAndU : pendingU) {
            weightAndU[1].intern(SpectralNorm.initialU(weightAndU[0], manager));
        }
        pendingU.clear();
    }

    Network build() {
        if (!pendingU.isEmpty()) {
            throw new IllegalStateException("spectral-norm vectors registered but not drawn");
        }
        return net.build();
    }

    private NDArray spectralVector(String name, NDArray weight) {
        // A placeholder now, so that the state keeps layer order; drawn after all weights.
        NDArray u = net.buffer(
                name + ".weight_u", manager.zeros(new Shape(weight.getShape().get(0))));
        pendingU.add(new NDArray[] {weight, u});
        return u;
    }

    private NDArray runningMean(String name, long channels) {
        return net.buffer(name + ".running_mean", manager.zeros(new Shape(channels)));
    }

    private NDArray runningVar(String name, long channels) {
        return net.buffer(name + ".running_var", manager.ones(new Shape(channels)));
    }
}
