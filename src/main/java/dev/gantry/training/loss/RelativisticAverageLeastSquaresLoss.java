package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * Relativistic average least-squares GAN, RaLSGAN (Jolicoeur-Martineau 2018, "The relativistic
 * discriminator: a key element missing from standard GAN"). With C̄_r = E[C(x_r)] and
 * C̄_f = E[C(x_f)]:
 *
 * <pre>
 * L_D = ½ (E[(C(x_r) − C̄_f − 1)²] + E[(C(x_f) − C̄_r + 1)²])
 * L_G = ½ (E[(C(x_r) − C̄_f + 1)²] + E[(C(x_f) − C̄_r − 1)²])
 * </pre>
 *
 * Both halved, as in the author's reference code (AlexiaJM/RelativisticGAN, {@code
 * GAN_losses_iter.py}, loss 7). The generator step needs the real logits.
 */
public final class RelativisticAverageLeastSquaresLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "ralsgan";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real = realLogits.sub(fakeLogits.mean()).sub(1).square().mean();
        NDArray fake = fakeLogits.sub(realLogits.mean()).add(1).square().mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        NDArray real = realLogits.sub(fakeLogits.mean()).add(1).square().mean();
        NDArray fake = fakeLogits.sub(realLogits.mean()).sub(1).square().mean();
        return Scalars.times(real.add(fake), 0.5);
    }

    @Override
    public boolean generatorNeedsRealLogits() {
        return true;
    }
}
