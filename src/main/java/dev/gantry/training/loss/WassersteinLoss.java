package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * Wasserstein GAN critic loss (Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1), the logit
 * read as the critic value f:
 *
 * <pre>
 * L_D = E[f(G(z))] − E[f(x)]
 * L_G = −E[f(G(z))]
 * </pre>
 *
 * Only meaningful with a Lipschitz constraint on the critic: weight-clipping (the paper) or a
 * gradient penalty.
 */
public final class WassersteinLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "wasserstein";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return fakeLogits.mean().sub(realLogits.mean());
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return fakeLogits.mean().neg();
    }
}
