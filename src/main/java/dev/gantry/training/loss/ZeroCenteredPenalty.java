package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * The zero-centered gradient penalties of Mescheder et al. 2018 ("Which Training Methods for GANs
 * do actually Converge?", eq. 9 and 10), on the discriminator's gradient at the data itself:
 *
 * <pre>
 * r1 = ½ E[‖∇ₓD(x)‖²]   x real
 * r2 = ½ E[‖∇ₓD(x)‖²]   x generated
 * </pre>
 *
 * The paper's γ is the term's weight (γ/2 · E‖∇D‖² in total). Needs double backprop.
 */
public final class ZeroCenteredPenalty implements LossTerm {

    private final boolean onReal;

    private ZeroCenteredPenalty(boolean onReal) {
        this.onReal = onReal;
    }

    public static ZeroCenteredPenalty r1() {
        return new ZeroCenteredPenalty(true);
    }

    public static ZeroCenteredPenalty r2() {
        return new ZeroCenteredPenalty(false);
    }

    @Override
    public String name() {
        return onReal ? "r1" : "r2";
    }

    @Override
    public NDArray discriminatorLoss(DiscriminatorPass pass) {
        NDArray gradients = onReal
                ? InputGradients.of(pass, pass.real(), pass.realLabels())
                : InputGradients.of(pass, pass.fake(), pass.fakeLabels());
        return Scalars.times(InputGradients.squaredNorms(gradients).mean(), 0.5);
    }
}
