package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
 * Algorithm 1): on interpolates x̂ᵢ = εᵢ xᵢ + (1 − εᵢ) x̃ᵢ of real row i and fake row i, with
 * εᵢ ~ U[0, 1) drawn per sample,
 *
 * <pre>
 * ‖g‖ᵢ = √(Σⱼ (∂D(x̂ᵢ)/∂x̂ᵢⱼ)² + 1e-12)      j over every value of a sample
 * two-sided (the paper):   E[(‖g‖ − target)²]
 * one-sided:               E[relu(‖g‖ − target)²]  (Petzka et al. 2018, "On the regularization of Wasserstein GANs")
 * </pre>
 *
 * Params {@code target} (1) and {@code oneSided} (0 or 1); the paper's λ = 10 is the term's
 * weight. The ε are the step's first {@code n} {@code nextFloat()} draws of this term. Needs double
 * backprop: the penalty's gradient w.r.t. D's parameters goes through ∇ₓD.
 */
public final class GradientPenalty implements LossTerm {

    private final float target;
    private final boolean oneSided;

    public GradientPenalty(double target, boolean oneSided) {
        this.target = (float) target;
        this.oneSided = oneSided;
    }

    @Override
    public String name() {
        return "gradient-penalty";
    }

    @Override
    public NDArray discriminatorLoss(DiscriminatorPass pass) {
        NDArray excess = InputGradients.rowNorms(InputGradients.of(pass, interpolates(pass), pass.realLabels()))
                .sub(target);
        return (oneSided ? Activation.relu(excess) : excess).square().mean();
    }

    /** x̂, drawing the ε. Apart so tests can see it: D's input gradient is piecewise constant in x̂. */
    NDArray interpolates(DiscriminatorPass pass) {
        NDArray real = pass.real();
        NDArray epsilon = InputGradients.uniform(pass.random(), real.getManager(), InputGradients.perSample(real));
        return real.mul(epsilon).add(pass.fake().mul(epsilon.neg().add(1)));
    }
}
