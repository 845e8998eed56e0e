package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * A pixel-wise reconstruction loss on the generator (the L1 term of Isola et al. 2017,
 * "Image-to-Image Translation with Conditional Adversarial Networks", eq. 3; p = 2 gives the MSE):
 *
 * <pre>
 * p = 1:  L_G = E[|G(z)ᵢⱼ − xᵢⱼ|]
 * p = 2:  L_G = E[(G(z)ᵢⱼ − xᵢⱼ)²]
 * </pre>
 *
 * mean over all samples i and values j, on the generator's output and the real batch as they are
 * (no augmentation or instance noise). In super-resolution, output i is the upscaled copy of real
 * image i: a true reconstruction loss. An unconditional job has no input paired with its target,
 * so generated sample i is paired with real sample i of the step's real batch: an arbitrary
 * pairing that pulls every sample towards some data point (towards the data's mean for p = 2), a
 * regularizer rather than a reconstruction.
 */
public final class ReconstructionLoss implements LossTerm {

    private final int p;

    public ReconstructionLoss(int p) {
        if (p != 1 && p != 2) {
            throw new IllegalArgumentException("p must be 1 or 2, got " + p);
        }
        this.p = p;
    }

    @Override
    public String name() {
        return "reconstruction";
    }

    @Override
    public NDArray generatorLoss(GeneratorPass pass) {
        NDArray difference = pass.generated().sub(pass.target());
        return (p == 1 ? difference.abs() : difference.square()).mean();
    }

    @Override
    public boolean generatorNeedsRealBatch() {
        return true;
    }
}
