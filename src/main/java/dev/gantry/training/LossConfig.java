package dev.gantry.training;

import java.util.List;

/**
 * The training objective: one adversarial loss plus weighted terms.
 *
 * @param adversarial a name in {@link TrainingCatalog#ADVERSARIAL_LOSSES}
 * @param terms extra terms, applied in this order; may be empty
 */
public record LossConfig(String adversarial, List<TermConfig> terms) {

    public LossConfig {
        terms = terms == null ? List.of() : List.copyOf(terms);
    }
}
