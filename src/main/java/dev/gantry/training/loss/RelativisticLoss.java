package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Relativistic standard GAN, RSGAN (Jolicoeur-Martineau 2018, "The relativistic discriminator: a
 * key element missing from standard GAN", §4): the discriminator estimates the probability
 * that a real sample is more realistic than a fake one, pairwise, real row i against fake row i:
 *
 * <pre>
 * L_D = E[softplus(−(C(x_r) − C(x_f)))]   (= BCE(σ(C(x_r) − C(x_f)), 1))
 * L_G = E[softplus(−(C(x_f) − C(x_r)))]
 * </pre>
 *
 * As in the author's reference code (AlexiaJM/RelativisticGAN, {@code GAN_losses_iter.py}, loss 5)
 * neither loss is halved. The generator step needs the real logits.
 */
public final class RelativisticLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "rsgan";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(fakeLogits.sub(realLogits)).mean();
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.softPlus(realLogits.sub(fakeLogits)).mean();
    }

    @Override
    public boolean generatorNeedsRealLogits() {
        return true;
    }
}
