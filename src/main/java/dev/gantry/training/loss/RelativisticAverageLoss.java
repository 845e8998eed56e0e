package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Relativistic average standard GAN, RaSGAN (Jolicoeur-Martineau 2018, "The relativistic
 * discriminator: a key element missing from standard GAN", §4): each sample is compared with
 * the mean logit of the other batch. With C̄_r = E[C(x_r)] and C̄_f = E[C(x_f)]:
 *
 * <pre>
 * L_D = ½ (E[softplus(−(C(x_r) − C̄_f))] + E[softplus(C(x_f) − C̄_r)])
 * L_G = ½ (E[softplus(C(x_r) − C̄_f)] + E[softplus(−(C(x_f) − C̄_r))])
 * </pre>
 *
 * Both halved, as in the author's reference code (AlexiaJM/RelativisticGAN, {@code
 * GAN_losses_iter.py}, loss 6); the halving is the code's. The means are not detached: the
 * gradient flows through them as in the reference. The generator step needs the real logits.
 */
public final class RelativisticAverageLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "rasgan";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real =
                Activation.softPlus(realLogits.sub(fakeLogits.mean()).neg()).mean();
        NDArray fake = Activation.softPlus(fakeLogits.sub(realLogits.mean())).mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real = Activation.softPlus(realLogits.sub(fakeLogits.mean())).mean();
        NDArray fake =
                Activation.softPlus(fakeLogits.sub(realLogits.mean()).neg()).mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public boolean generatorNeedsRealLogits() {
        return true;
    }
}
