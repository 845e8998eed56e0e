package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A 2-D convolution, PyTorch's {@code nn.Conv2d} with square kernels, stride and zero padding:
 *
 * <pre>
 * y[n, o, i, j] = b[o] + Σ_c Σ_{p,q} W[o, c, p, q] · x_pad[n, c, s·i + p, s·j + q]
 * </pre>
 *
 * W has shape (out, in, k, k); {@code bias} may be null. With {@code u} set the weight is
 * spectrally normalized on every call, viewed as (out, in·k·k) as {@code
 * torch.nn.utils.spectral_norm} views it ({@link SpectralNorm}).
 */
final class Conv2d implements Layer {

    private static final Shape NO_DILATION = new Shape(1, 1);

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray u;
    private final Shape stride;
    private final Shape padding;

    Conv2d(NDArray weight, NDArray bias, NDArray u, int stride, int padding) {
        this.weight = weight;
        this.bias = bias;
        this.u = u;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray w = u == null ? weight : SpectralNorm.normalize(weight, u, pass.manager(), pass.training());
        return JniUtils.convolution((PtNDArray) x, (PtNDArray) w, (PtNDArray) bias, stride, padding, NO_DILATION, 1);
    }
}
