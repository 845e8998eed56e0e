package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Batch normalization over the channels of N×C×H×W maps (Ioffe & Szegedy 2015), PyTorch's {@code
 * nn.BatchNorm2d} with momentum 0.1 and ε = 1e-5:
 *
 * <pre>
 * training:  y = γ · (x − μ_B) / √(σ²_B + ε) + β       μ_B, σ²_B (biased) over N, H, W per channel
 *            running_mean ← 0.9 · running_mean + 0.1 · μ_B
 *            running_var  ← 0.9 · running_var  + 0.1 · σ²_B · m/(m − 1)    m = N·H·W (unbiased)
 * eval:      y = γ · (x − running_mean) / √(running_var + ε) + β
 * </pre>
 *
 * One libtorch {@code batch_norm} call does both, updating the running statistics in place, so
 * their arrays (and the names the network knows them by) stay the same. Without affine ({@link
 * ConditionalBatchNorm}) γ and β are constants 1 and 0 that take no gradient.
 */
final class BatchNorm implements Layer {

    static final double MOMENTUM = 0.1;
    static final double EPSILON = 1e-5;

    private final PtNDArray gamma;
    private final PtNDArray beta;
    private final PtNDArray runningMean;
    private final PtNDArray runningVar;

    BatchNorm(NDArray gamma, NDArray beta, NDArray runningMean, NDArray runningVar) {
        this.gamma = (PtNDArray) gamma;
        this.beta = (PtNDArray) beta;
        this.runningMean = (PtNDArray) runningMean;
        this.runningVar = (PtNDArray) runningVar;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        // JniUtils.batchNorm names its arguments (gamma, beta, mean, var) but hands them to
        // libtorch as (running_mean, running_var, weight, bias): this order is libtorch's.
        return JniUtils.batchNorm(
                (PtNDArray) x, runningMean, runningVar, gamma, beta, pass.training(), MOMENTUM, EPSILON);
    }

    @Override
    public boolean batchStatistics() {
        return true;
    }
}
