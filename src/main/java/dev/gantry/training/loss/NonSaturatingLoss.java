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
 */
public final class NonSaturatingLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "non-saturating";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(realLogits.neg()).mean().add(Activation.softPlus(fakeLogits).mean());
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(fakeLogits.neg()).mean();
    }
}
