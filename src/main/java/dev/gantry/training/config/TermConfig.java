package dev.gantry.training.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One term of the objective.
 *
 * @param type a term of the loss catalog ({@code training.loss.LossCatalog})
 * @param weight multiplies the term's loss; constraints without a loss (weight-clipping) require 1
 * @param adaptive when true the weight is a gradient ratio instead (TF-GAN's {@code
 *     combine_adversarial_loss(gradient_ratio=weight)}): the term is scaled by weight ·
 *     ‖∇θ L_adv‖ / (‖∇θ term‖ + 1e-6), θ the parameters of the network its side trains
 * @param params term parameters by name, as the client gave them; missing ones take the
 *     catalog's default. A value is a number ({@link Double}), a string, or an object of names to
 *     numbers (a {@code Map<String, Double>}), as the catalog's {@code TermParam.Kind} says;
 *     numbers of any type are stored as doubles, and anything else is kept as given for the
 *     catalog to refuse by name
 */
public record TermConfig(String type, double weight, boolean adaptive, Map<String, Object> params) {

    public TermConfig {
        // In the order given, so problems with them are reported in the order the client wrote them.
        Map<String, Object> copy = new LinkedHashMap<>();
        if (params != null) {
            params.forEach((name, value) -> copy.put(name, normalized(value)));
        }
        params = Collections.unmodifiableMap(copy);
    }

    /** Numbers as doubles, at the top and inside an object, whatever JSON parser made them. */
    private static Object normalized(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, v instanceof Number n ? n.doubleValue() : v));
            return Collections.unmodifiableMap(copy);
        }
        return value;
    }
}
