package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectral normalization (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
 * Networks", Algorithm 1) exactly as {@code torch.nn.utils.spectral_norm} computes it in training
 * mode with one power iteration: with W of shape (out, in) and the persistent vector u,
 *
 * <pre>
 * v  ← normalize(Wᵀu)          normalize(x) = x / max(‖x‖, 1e-12)
 * u  ← normalize(W v)          (u and v carry no gradient)
 * σ  = uᵀ W v
 * W_SN = W / σ                 (the gradient flows through σ to W)
 * </pre>
 *
 * Like PyTorch in training mode, every forward pass runs one iteration and v is recomputed from u
 * each time, so u is the only state; it is kept by {@link Network} as {@code fcN.weight_u}.
 */
public final class SpectralNorm {

    public static final float EPSILON = 1e-12f;

    private SpectralNorm() {}

    /**
     * Returns W_SN attached to {@code manager} and replaces the tensor behind {@code u} with the new
     * estimate (in place, so its owner and name stay).
     */
    public static NDArray normalize(NDArray weight, NDArray u, NDManager manager) {
        // Ops on an array attach their results to that array's manager: everything derived from
        // the weight would pile up in the model's manager for the whole run unless moved here.
        NDArray w = weight.stopGradient();
        w.attach(manager);
        NDArray v = unit(w.transpose().matMul(u));
        NDArray next = unit(w.matMul(v));
        NDArray sigma = next.matMul(weight).dot(v);
        NDArray normalized = weight.div(sigma);
        normalized.attach(manager);
        // The autograd graph keeps the tensor σ was computed from; u itself only swaps handles.
        u.intern(next);
        return normalized;
    }

    /**
     * torch.nn.utils.spectral_norm's first u: normalize(N(0, 1)) of length out, W's first axis,
     * drawn from libtorch's generator and attached to {@code manager}.
     */
    public static NDArray initialU(NDArray weight, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray draw = scratch.randomNormal(new Shape(weight.getShape().get(0)));
            NDArray u = draw.div(draw.norm().maximum(EPSILON));
            u.attach(manager);
            return u;
        }
    }

    private static NDArray unit(NDArray x) {
        return x.div(x.norm().maximum(EPSILON));
    }
}
