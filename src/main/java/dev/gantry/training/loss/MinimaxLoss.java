package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The original minimax GAN loss (Goodfellow et al. 2014, "Generative Adversarial Nets", eq. 1):
 * the discriminator is the same as {@link NonSaturatingLoss} (one-sided label smoothing included),
 * the generator minimises log(1 − σ(l(G(z)))) directly:
 *
 * <pre>
 * L_D = E[softplus(−l(x))] + E[softplus(l(G(z)))]
 * L_G = −E[softplus(l(G(z)))]                        (= log(1 − σ(l(G(z)))))
 * </pre>
 *
 * Its gradient vanishes when D confidently rejects the fakes, which is why it usually trains
 * worse; it is here for comparison.
 */
public final class MinimaxLoss implements AdversarialLoss {

    private final float labelSmoothing;

    public MinimaxLoss(double labelSmoothing) {
        this.labelSmoothing = (float) labelSmoothing;
    }

    @Override
    public String name() {
        return "minimax";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return NonSaturatingLoss.smoothedDiscriminatorLoss(realLogits, fakeLogits, labelSmoothing);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(fakeLogits).mean().neg();
    }
}
