package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The standard GAN loss with the non-saturating generator (Goodfellow et al. 2014, "Generative
 * Adversarial Nets", §3): with logits l and σ the sigmoid,
 *
 * <pre>
 * L_D = E[softplus(−l(x))] + E[softplus(l(G(z)))]   (= −log σ(l(x)) − log(1 − σ(l(G(z)))))
 * L_G = E[softplus(−l(G(z)))]                        (= −log σ(l(G(z))))
 * </pre>
 *
 * Softplus on logits instead of log on probabilities keeps both stable for large |l|.
 *
 * <p>With one-sided label smoothing s (Salimans et al. 2016, "Improved Techniques for Training
 * GANs", §3.4) the real target is 1 − s, binary cross-entropy with a soft label:
 * E[(1 − s)·softplus(−l(x)) + s·softplus(l(x))] replaces the first term of L_D. Fakes keep target 0
 * and L_G is unchanged.
 */
public final class NonSaturatingLoss implements AdversarialLoss {

    private final float labelSmoothing;

    public NonSaturatingLoss(double labelSmoothing) {
        this.labelSmoothing = (float) labelSmoothing;
    }

    @Override
    public String name() {
        return "non-saturating";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return smoothedDiscriminatorLoss(realLogits, fakeLogits, labelSmoothing);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(fakeLogits.neg()).mean();
    }

    /** Binary cross-entropy with targets 1 − s for real and 0 for fake, on logits. */
    static NDArray smoothedDiscriminatorLoss(NDArray realLogits, NDArray fakeLogits, float labelSmoothing) {
        NDArray real = Activation.softPlus(realLogits.neg());
        if (labelSmoothing != 0) {
            real = Scalars.times(real, 1 - labelSmoothing)
                    .add(Scalars.times(Activation.softPlus(realLogits), labelSmoothing));
        }
        return real.mean().add(Activation.softPlus(fakeLogits).mean());
    }
}
