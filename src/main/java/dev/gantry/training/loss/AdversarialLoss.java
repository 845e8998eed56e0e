package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * The two-player part of a GAN objective, on discriminator logits of shape (batch, 1), mean
 * reduced. Implementations are stateless.
 */
public interface AdversarialLoss {

    /** Catalog name, also the metric suffix: {@code loss/d/<name>}, {@code loss/g/<name>}. */
    String name();

    /** What the discriminator minimises. */
    NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits);

    /**
     * What the generator minimises.
     *
     * @param realLogits D(x) when {@link #generatorNeedsRealLogits()}, else {@code null} (the step
     *     then skips that forward pass)
     */
    NDArray generatorLoss(NDArray realLogits, NDArray fakeLogits);

    /** True for losses that compare real and fake in the generator step (relativistic ones). */
    default boolean generatorNeedsRealLogits() {
        return false;
    }
}
