package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * DRAGAN's gradient penalty (Kodali et al. 2017, "On Convergence and Stability of GANs", as in
 * the authors' code, {@code get_perturbed_batch}): a penalty around the real data only. With σ the standard deviation of all
 * values of the real batch (population, as {@code numpy.std}; a constant, no gradient), δ ~ U[0, 1)
 * per value and α ~ U[0, 1) per sample,
 *
 * <pre>
 * x_p = x + c·σ·δ                 (perturbed data)
 * x̂  = x + α (x_p − x)
 * L  = E[(√(Σⱼ (∂D(x̂)/∂x̂ⱼ)² + 1e-12) − k)²]
 * </pre>
 *
 * Params {@code c} (0.5) and {@code k} (1); the paper's λ = 10 is the weight. Draw order: every value
 * of δ in row-major order, then the n values of α. Needs double backprop.
 */
public final class DraganPenalty implements LossTerm {

    private final float c;
    private final float k;

    public DraganPenalty(double c, double k) {
        this.c = (float) c;
        this.k = (float) k;
    }

    @Override
    public String name() {
        return "dragan";
    }

    @Override
    public NDArray discriminatorLoss(DiscriminatorPass pass) {
        NDArray excess = InputGradients.rowNorms(InputGradients.of(pass, interpolates(pass), pass.realLabels()))
                .sub(k);
        return excess.square().mean();
    }

    /** x̂, drawing δ and α. Apart so tests can see it: D's input gradient is piecewise constant in x̂. */
    NDArray interpolates(DiscriminatorPass pass) {
        NDArray x = pass.real();
        NDArray delta = InputGradients.uniform(pass.random(), x.getManager(), x.getShape());
        NDArray alpha = InputGradients.uniform(pass.random(), x.getManager(), InputGradients.perSample(x));
        NDArray constant = x.stopGradient();
        NDArray sigma = constant.sub(constant.mean()).square().mean().sqrt();
        NDArray perturbed = x.add(delta.mul(sigma).mul(c));
        return x.add(alpha.mul(perturbed.sub(x)));
    }
}
