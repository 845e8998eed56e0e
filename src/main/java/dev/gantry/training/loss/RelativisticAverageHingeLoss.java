package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Relativistic average hinge GAN, RaHingeGAN (Jolicoeur-Martineau 2018, "The relativistic
 * discriminator: a key element missing from standard GAN"). With C̄_r = E[C(x_r)] and
 * C̄_f = E[C(x_f)]:
 *
 * <pre>
 * L_D = ½ (E[relu(1 − (C(x_r) − C̄_f))] + E[relu(1 + (C(x_f) − C̄_r))])
 * L_G = ½ (E[relu(1 + (C(x_r) − C̄_f))] + E[relu(1 − (C(x_f) − C̄_r))])
 * </pre>
 *
 * Both halved, as in the author's reference code (AlexiaJM/RelativisticGAN, {@code
 * GAN_losses_iter.py}, loss 8). The generator step needs the real logits.
 */
public final class RelativisticAverageHingeLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "rahinge";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real =
                Activation.relu(realLogits.sub(fakeLogits.mean()).neg().add(1)).mean();
        NDArray fake = Activation.relu(fakeLogits.sub(realLogits.mean()).add(1)).mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real = Activation.relu(realLogits.sub(fakeLogits.mean()).add(1)).mean();
        NDArray fake =
                Activation.relu(fakeLogits.sub(realLogits.mean()).neg().add(1)).mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public boolean generatorNeedsRealLogits() {
        return true;
    }
}
