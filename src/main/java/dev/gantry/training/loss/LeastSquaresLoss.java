package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * Least-squares GAN (Mao et al. 2017, "Least Squares Generative Adversarial Networks", eq. 2) with
 * the 0-1 coding a = 0, b = 1, c = 1, on raw logits:
 *
 * <pre>
 * L_D = ½ E[(l(x) − 1)²] + ½ E[l(G(z))²]
 * L_G = ½ E[(l(G(z)) − 1)²]
 * </pre>
 */
public final class LeastSquaresLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "least-squares";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Scalars.times(
                realLogits.sub(1).square().mean().add(fakeLogits.square().mean()), 0.5);
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Scalars.times(fakeLogits.sub(1).square().mean(), 0.5);
    }
}
