package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The output of a projection discriminator (Miyato & Koyama 2018, "cGANs with Projection
 * Discriminator", eq. 3): the unconditional logit plus the inner product of the class embedding
 * with the globally sum-pooled features h,
 *
 * <pre>
 * D(x, y) = ψ(φ(x)) + ⟨E[y], h⟩        h = Σ_{i,j} φ(x)[:, :, i, j]  (φ(x) itself when already pooled)
 * </pre>
 *
 * ψ is the network's unconditional output layer (SNGAN's linear, DCGAN's last convolution). E has
 * shape (classes, channels) and is spectrally normalized like the other layers when {@code u} is
 * set, as Mimicry's {@code SNEmbedding}.
 */
final class ProjectionHead implements Layer {

    private static final int[] SPATIAL = {2, 3};
    private static final int[] CHANNELS = {1};

    private final Layer unconditional;
    private final NDArray embedding;
    private final NDArray u;

    ProjectionHead(Layer unconditional, NDArray embedding, NDArray u) {
        this.unconditional = unconditional;
        this.embedding = embedding;
        this.u = u;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray labels = pass.requireLabels();
        NDArray h = x.getShape().dimension() == 4 ? x.sum(SPATIAL) : x;
        NDArray e = u == null ? embedding : SpectralNorm.normalize(embedding, u, pass.manager(), pass.training());
        NDArray projected = JniUtils.embedding((PtNDArray) labels, (PtNDArray) e, false)
                .mul(h)
                .sum(CHANNELS, true);
        return unconditional.forward(x, pass).add(projected);
    }

    @Override
    public boolean batchStatistics() {
        return unconditional.batchStatistics();
    }
}
