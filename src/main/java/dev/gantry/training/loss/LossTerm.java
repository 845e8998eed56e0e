package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import dev.gantry.training.model.Network;

/**
 * A term added to the adversarial loss: a regularizer (gradient penalty, R1), an auxiliary loss
 * (feature matching) or a constraint (weight clipping). Each hook is optional. Loss hooks return
 * the <em>unweighted</em> value; {@link GanObjective} applies the weight and reports the weighted
 * value on its own as {@code loss/d/<name>} or {@code loss/g/<name>}.
 */
public interface LossTerm {

    /** Catalog name, also the metric suffix. */
    String name();

    /** Scalar added to the discriminator loss, or {@code null} when the term has none. */
    default NDArray discriminatorLoss(DiscriminatorPass pass) {
        return null;
    }

    /** Scalar added to the generator loss, or {@code null} when the term has none. */
    default NDArray generatorLoss(GeneratorPass pass) {
        return null;
    }

    /** Runs after each discriminator optimizer update, outside gradient recording. */
    default void afterDiscriminatorUpdate(Network discriminator) {}

    /** True when {@link #generatorLoss} needs {@link GeneratorPass#real()} and its logits. */
    default boolean generatorNeedsRealBatch() {
        return false;
    }
}
