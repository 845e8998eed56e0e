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
 *     catalog's default
 */
public record TermConfig(String type, double weight, boolean adaptive, Map<String, Double> params) {

    public TermConfig {
        // In the order given, so problems with them are reported in the order the client wrote them.
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
}
