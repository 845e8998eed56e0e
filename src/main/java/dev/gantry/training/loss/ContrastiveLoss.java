package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The contrastive loss (Hadsell, Chopra and LeCun 2006, "Dimensionality Reduction by Learning an
 * Invariant Mapping", eq. 4) on the discriminator's features f at hidden layer {@code layer} (as
 * in {@link FeatureMatching}), for the generator. Over a batch of n, with
 * d(a, b) = √(‖f(a) − f(b)‖² + 1e-12):
 *
 * <pre>
 * similar pairs (G(z)ᵢ, xᵢ):            d²              pulls each sample towards real row i
 * dissimilar pairs (G(z)ᵢ, G(z)ᵢ₊₁ mod n):  max(0, m − d)²  pushes samples apart up to the margin m
 * L_G = (Σ similar + Σ dissimilar) / 2n
 * </pre>
 *
 * The paper's factor ½ on both parts is left to the weight. Params {@code layer} (−1) and
 * {@code margin} (1). The dissimilar pairs work against mode collapse: two samples that land on
 * the same features cost m².
 */
public final class ContrastiveLoss implements LossTerm {

    private final int layer;
    private final float margin;

    public ContrastiveLoss(int layer, double margin) {
        this.layer = layer;
        this.margin = (float) margin;
    }

    @Override
    public String name() {
        return "contrastive";
    }

    @Override
    public NDArray generatorLoss(GeneratorPass pass) {
        NDArray fake = FeatureMatching.feature(pass.fakeFeatures(), layer);
        NDArray real = FeatureMatching.feature(pass.realFeatures(), layer);
        long n = fake.getShape().get(0);
        NDArray next = fake.get("1:").concat(fake.get(":1"), 0);
        NDArray similar = distance(fake, real).square();
        NDArray dissimilar =
                Activation.relu(distance(fake, next).neg().add(margin)).square();
        return Scalars.times(similar.sum().add(dissimilar.sum()), 1.0 / (2 * n));
    }

    @Override
    public boolean generatorNeedsRealBatch() {
        return true;
    }

    private static NDArray distance(NDArray a, NDArray b) {
        return InputGradients.rowNorms(a.sub(b));
    }
}
