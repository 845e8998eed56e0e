package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Categorical conditional batch normalization (de Vries et al. 2017; Miyato & Koyama 2018,
 * "cGANs with Projection Discriminator", as their code and Mimicry's {@code
 * ConditionalBatchNorm2d} build it): batch normalization without affine, then a gain and a bias
 * chosen by the sample's class y,
 *
 * <pre>
 * out[n] = E[y_n, 0:C] · BN(x)[n] + E[y_n, C:2C]        E of shape (classes, 2C)
 * </pre>
 *
 * One embedding E holds gains then biases; gains start at 1 and biases at 0, so an untrained
 * layer is plain batch normalization. The running statistics behave as {@link BatchNorm}'s.
 */
final class ConditionalBatchNorm implements Layer {

    private final BatchNorm normalization;
    private final PtNDArray embedding;
    private final long channels;

    /**
     * @param normalization batch normalization with constant γ = 1 and β = 0
     * @param embedding (classes, 2 · channels), gains then biases
     */
    ConditionalBatchNorm(BatchNorm normalization, NDArray embedding) {
        this.normalization = normalization;
        this.embedding = (PtNDArray) embedding;
        this.channels = embedding.getShape().get(1) / 2;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray labels = pass.requireLabels();
        NDArray normalized = normalization.forward(x, pass);
        // Attached to the labels' manager (the step's): gathered rows, (n, 2C) → two (n, C, 1, 1).
        NDList gainAndBias = JniUtils.embedding((PtNDArray) labels, embedding, false)
                .reshape(labels.getShape().get(0), 2 * channels, 1, 1)
                .split(2, 1);
        return normalized.mul(gainAndBias.get(0)).add(gainAndBias.get(1));
    }

    @Override
    public boolean batchStatistics() {
        return true;
    }
}
