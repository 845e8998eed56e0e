package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Feature matching (Salimans et al. 2016, "Improved Techniques for Training GANs", §3.1, as in
 * OpenAI's {@code improved-gan} code): the generator matches the batch mean of the discriminator's
 * features f at one hidden layer,
 *
 * <pre>
 * L_G = mean over features k of (E[f_k(x)] − E[f_k(G(z))])²
 * </pre>
 *
 * f is the activation (after LeakyReLU) of hidden layer {@code layer}: 0 is the first, negative
 * values count from the last (−1, the default, is the last hidden layer). A convolutional layer's
 * feature maps are averaged over space first (global average pooling), so f has one value per
 * channel.
 */
public final class FeatureMatching implements LossTerm {

    private final int layer;

    public FeatureMatching(int layer) {
        this.layer = layer;
    }

    @Override
    public String name() {
        return "feature-matching";
    }

    @Override
    public NDArray generatorLoss(GeneratorPass pass) {
        NDArray real = feature(pass.realFeatures(), layer).mean(new int[] {0});
        NDArray fake = feature(pass.fakeFeatures(), layer).mean(new int[] {0});
        return real.sub(fake).square().mean();
    }

    @Override
    public boolean generatorNeedsRealBatch() {
        return true;
    }

    /**
     * Layer {@code index} of the taps, negative indices counting from the last, as (n, features):
     * maps of shape (n, c, h, w) are averaged over h and w.
     */
    static NDArray feature(List<NDArray> hidden, int index) {
        NDArray h = hidden.get(index < 0 ? hidden.size() + index : index);
        // DJL's PyTorch mean takes one axis at a time; equal counts make the mean of means the mean.
        for (int axis = h.getShape().dimension() - 1; axis >= 2; axis--) {
            h = h.mean(new int[] {axis});
        }
        return h;
    }
}
