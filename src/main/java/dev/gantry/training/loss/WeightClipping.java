package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import dev.gantry.training.model.Network;
import java.util.Map;

/**
 * Weight clipping (Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1, line 7): after every
 * critic update each discriminator parameter w becomes clip(w, −c, c), a crude way to keep the
 * critic K-Lipschitz. Default c = 0.01 as in the paper. It adds no loss, so it has no metric and
 * its weight must be 1.
 */
public final class WeightClipping implements LossTerm {

    private final double clip;

    public WeightClipping(double clip) {
        if (!(clip > 0)) {
            throw new IllegalArgumentException("clip must be > 0, got " + clip);
        }
        this.clip = clip;
    }

    @Override
    public String name() {
        return "weight-clipping";
    }

    @Override
    public void afterDiscriminatorUpdate(Network discriminator) {
        for (Map.Entry<String, NDArray> e : discriminator.parameters().entrySet()) {
            NDArray p = e.getValue();
            discriminator.replace(p, p.clip(-clip, clip));
        }
    }
}
