package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectral normalization (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
 * Networks", Algorithm 1) exactly as {@code torch.nn.utils.spectral_norm} computes it in training
 * mode with one power iteration: with W viewed as the matrix W_mat of shape (out, rest), where out
 * is W's first axis and rest the product of the others ((out, in) for a linear layer, (out,
 * in·k·k) for a convolution, (classes, dim) for an embedding), and the persistent vector u,
 *
 * <pre>
 * v  ← normalize(W_matᵀ u)          normalize(x) = x / max(‖x‖, 1e-12)
 * u  ← normalize(W_mat v)           (u and v carry no gradient)
 * σ  = uᵀ W_mat v
 * W_SN = W / σ                      (the gradient flows through σ to W)
 * </pre>
 *
 * Like PyTorch in training mode, every forward pass runs one iteration and v is recomputed from u
 * each time, so u is the only state; it is kept by {@link Network} as {@code <layer>.weight_u}. In
 * evaluation mode u stays and only v is recomputed from it (PyTorch keeps the last v instead);
 * discriminators are never run in evaluation mode.
 */
public final class SpectralNorm {

    public static final float EPSILON = 1e-12f;

    private SpectralNorm() {}

    /** One training-mode step: returns W_SN and advances u. */
    public static NDArray normalize(NDArray weight, NDArray u, NDManager manager) {
        return normalize(weight, u, manager, true);
    }

    /**
     * Returns W_SN, of W's shape, attached to {@code manager}; with {@code iterate} (training)
     * also replaces the tensor behind {@code u} with the new estimate (in place, so its owner and
     * name stay).
     */
    public static NDArray normalize(NDArray weight, NDArray u, NDManager manager, boolean iterate) {
        // Ops on an array attach their results to that array's manager: everything derived from
        // the weight would pile up in the model's manager for the whole run unless moved here.
        long rows = weight.getShape().get(0);
        NDArray w = weight.stopGradient();
        w.attach(manager);
        NDArray matrix = w.reshape(rows, -1);
        NDArray v = unit(matrix.transpose().matMul(u));
        NDArray next = iterate ? unit(matrix.matMul(v)) : u;
        NDArray differentiable = weight.getShape().dimension() == 2 ? weight : weight.reshape(rows, -1);
        if (differentiable != weight) {
            differentiable.attach(manager);
        }
        NDArray sigma = next.matMul(differentiable).dot(v);
        NDArray normalized = weight.div(sigma);
        normalized.attach(manager);
        if (iterate) {
            // The autograd graph keeps the tensor σ was computed from; u itself only swaps handles.
            u.intern(next);
        }
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
