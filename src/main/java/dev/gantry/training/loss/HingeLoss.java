package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Hinge GAN loss (Lim and Ye 2017, "Geometric GAN"; as used by Miyato et al. 2018, "Spectral
 * Normalization for GANs", eq. 16–17):
 *
 * <pre>
 * L_D = E[relu(1 − l(x))] + E[relu(1 + l(G(z)))]
 * L_G = −E[l(G(z))]
 * </pre>
 */
public final class HingeLoss implements AdversarialLoss {

    @Override
    public String name() {
        return "hinge";
    }

    @Override
    public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return Activation.relu(realLogits.neg().add(1))
                .mean()
                .add(Activation.relu(fakeLogits.add(1)).mean());
    }

    @Override
    public NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return fakeLogits.mean().neg();
    }
}
