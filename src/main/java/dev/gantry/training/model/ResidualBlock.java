package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;

/**
 * A residual block (He et al. 2016), y = F(x) + S(x), with S the identity when {@code shortcut}
 * is empty. SNGAN's blocks (Miyato et al. 2018, appendix B; Mimicry's {@code GBlock}, {@code
 * DBlock}, {@code DBlockOptimized}) are built from it by {@link ResnetNetworks}:
 *
 * <pre>
 * generator:      F = BN → ReLU → up×2 → conv3×3 → BN → ReLU → conv3×3     S = up×2 → conv1×1
 * discriminator:  F = ReLU → conv3×3 → ReLU → conv3×3 [→ avgpool]          S = conv1×1 [→ avgpool] or identity
 * optimized (D's first): F = conv3×3 → ReLU → conv3×3 → avgpool            S = avgpool → conv1×1
 * </pre>
 */
record ResidualBlock(Sequence residual, Sequence shortcut) implements Layer {

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray h = residual.forward(x, pass);
        return shortcut.layers().isEmpty() ? h.add(x) : h.add(shortcut.forward(x, pass));
    }

    @Override
    public boolean batchStatistics() {
        return residual.batchStatistics() || shortcut.batchStatistics();
    }
}
