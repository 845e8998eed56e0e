package dev.gantry.training.config;

import java.util.List;

/**
 * The training objective: one adversarial loss plus weighted terms.
 *
 * @param adversarial a name in adversarial loss of the loss catalog
 * @param adversarialWeight λ_adv: the adversarial loss's weight in the generator's objective, as in
 *     SRGAN's l_content + 10⁻³·l_adv; the discriminator's own loss is not weighted (a constant
 *     factor there only rescales its gradients)
 * @param labelSmoothing one-sided label smoothing s ∈ [0, 0.5) (Salimans et al. 2016): the
 *     discriminator's target for real samples becomes 1 − s. Only for {@code minimax} and {@code
 *     non-saturating}; 0 turns it off
 * @param terms extra terms, applied in this order; may be empty
 */
public record LossConfig(String adversarial, double adversarialWeight, double labelSmoothing, List<TermConfig> terms) {

    public LossConfig {
        terms = terms == null ? List.of() : List.copyOf(terms);
    }

    /** λ_adv = 1. */
    public LossConfig(String adversarial, double labelSmoothing, List<TermConfig> terms) {
        this(adversarial, 1.0, labelSmoothing, terms);
    }
}
