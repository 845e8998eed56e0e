package dev.gantry.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One term of the objective.
 *
 * @param type a name in {@link TrainingCatalog#TERMS}
 * @param weight multiplies the term's loss; constraints without a loss (weight-clipping) require 1
 * @param adaptive when true the weight is a gradient ratio instead (TF-GAN's {@code
 *     combine_adversarial_loss(gradient_ratio=weight)}): the term is scaled by weight ·
 *     ‖∇θ L_adv‖ / (‖∇θ term‖ + 1e-6), θ the parameters of the network its side trains
 * @param params term parameters by name, see {@link TrainingCatalog#TERM_PARAMS}; missing ones
 *     take their default
 */
public record TermConfig(String type, double weight, boolean adaptive, Map<String, Double> params) {

    public TermConfig {
        // In the order given, so problems with them are reported in the order the client wrote them.
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The parameter's value, or its catalog default. */
    public double param(String name) {
        Double value = params.get(name);
        if (value != null) {
            return value;
        }
        Double fallback =
                TrainingCatalog.TERM_PARAMS.getOrDefault(type, Map.of()).get(name);
        if (fallback == null) {
            throw new IllegalArgumentException("term " + type + " has no parameter " + name);
        }
        return fallback;
    }
}
