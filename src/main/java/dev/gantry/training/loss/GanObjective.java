package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import dev.gantry.training.autograd.TorchScriptAutograd;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The weighted composition L = λ_adv·L_adv + Σ cᵢ·Lᵢ for each side, λ_adv on the generator's side
 * only (1 for the discriminator). Keeps every weighted part so each can be reported on its own.
 *
 * <p>cᵢ is the term's weight, or for an adaptive term the detached gradient ratio of TF-GAN's
 * {@code combine_adversarial_loss(main_loss=L_adv, adversarial_loss=Lᵢ, gradient_ratio=weight)}:
 * cᵢ = weight · ‖∇θ L_adv‖ / (‖∇θ Lᵢ‖ + 1e-6), θ all parameters of the network the side trains, so
 * the term pulls on θ with {@code weight} times the strength of the adversarial loss whatever its
 * scale.
 */
public final class GanObjective {

    /** TF-GAN's {@code gradient_ratio_epsilon}. */
    public static final double ADAPTIVE_EPSILON = 1e-6;

    /** A term with its weight; {@code adaptive} makes the weight a gradient ratio. */
    public record WeightedTerm(LossTerm term, double weight, boolean adaptive) {}

    private record Named(String metricName, WeightedTerm weighted) {}

    private final AdversarialLoss adversarial;
    private final double adversarialWeight;
    private final List<Named> terms;

    public GanObjective(AdversarialLoss adversarial, List<WeightedTerm> weightedTerms) {
        this(adversarial, 1.0, weightedTerms);
    }

    /** @param adversarialWeight λ_adv of the generator's objective */
    public GanObjective(AdversarialLoss adversarial, double adversarialWeight, List<WeightedTerm> weightedTerms) {
        this.adversarial = adversarial;
        this.adversarialWeight = adversarialWeight;
        this.terms = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        seen.put(adversarial.name(), 1);
        for (WeightedTerm t : weightedTerms) {
            String base = t.term().name();
            int n = seen.merge(base, 1, Integer::sum);
            // Two terms of one type (two penalties with different weights) must not share a metric.
            String metric = n == 1 ? base : base + "#" + n;
            terms.add(new Named(metric, t));
        }
    }

    /**
     * @param featureNetworks builds perceptual-random's frozen feature network with the given
     *     number of layers, seeded by the caller
     */
    public static GanObjective from(LossConfig config, IntFunction<Network> featureNetworks) {
        return from(config, TermResources.randomFeatures(featureNetworks));
    }

    /** @param resources the networks terms use besides D and G */
    public static GanObjective from(LossConfig config, TermResources resources) {
        List<WeightedTerm> terms = new ArrayList<>();
        for (TermConfig t : config.terms()) {
            TermDescriptor descriptor = LossCatalog.term(t.type())
                    .orElseThrow(() -> new IllegalArgumentException("unknown term: " + t.type()));
            terms.add(new WeightedTerm(descriptor.create(t, resources), t.weight(), t.adaptive()));
        }
        AdversarialDescriptor adversarial = LossCatalog.adversarial(config.adversarial())
                .orElseThrow(() -> new IllegalArgumentException("unknown adversarial loss: " + config.adversarial()));
        return new GanObjective(adversarial.create(config.labelSmoothing()), config.adversarialWeight(), terms);
    }

    public AdversarialLoss adversarial() {
        return adversarial;
    }

    public LossBreakdown discriminator(DiscriminatorPass pass) {
        NDArray adv = adversarial.discriminatorLoss(pass.realLogits(), pass.fakeLogits());
        List<NDArray> values = new ArrayList<>();
        for (Named t : terms) {
            values.add(t.weighted().term().discriminatorLoss(pass));
        }
        return combine(adv, values, pass.discriminator().parameters().values());
    }

    public LossBreakdown generator(GeneratorPass pass) {
        NDArray unweighted = adversarial.generatorLoss(pass.realLogits(), pass.fakeLogits());
        NDArray adv = adversarialWeight == 1.0 ? unweighted : Scalars.times(unweighted, adversarialWeight);
        List<NDArray> values = new ArrayList<>();
        for (Named t : terms) {
            values.add(t.weighted().term().generatorLoss(pass));
        }
        return combine(adv, values, pass.generator().parameters().values());
    }

    public void afterDiscriminatorUpdate(Network discriminator) {
        for (Named t : terms) {
            t.weighted().term().afterDiscriminatorUpdate(discriminator);
        }
    }

    /** Whether the generator step must also run the discriminator on a real batch. */
    public boolean generatorNeedsRealBatch() {
        return adversarial.generatorNeedsRealLogits()
                || terms.stream().anyMatch(t -> t.weighted().term().generatorNeedsRealBatch());
    }

    /** @param values each term's unweighted loss on this side, {@code null} for none */
    private LossBreakdown combine(NDArray adv, List<NDArray> values, Collection<NDArray> trained) {
        Map<String, NDArray> parts = new LinkedHashMap<>();
        parts.put(adversarial.name(), adv);
        Map<String, Double> coefficients = adaptiveCoefficients(adv, values, trained);
        NDArray total = adv;
        for (int i = 0; i < terms.size(); i++) {
            NDArray value = values.get(i);
            if (value == null) {
                continue;
            }
            Named t = terms.get(i);
            double c = coefficients.getOrDefault(t.metricName(), t.weighted().weight());
            NDArray weighted = c == 1.0 ? value : Scalars.times(value, c);
            parts.put(t.metricName(), weighted);
            total = total.add(weighted);
        }
        return new LossBreakdown(total, parts, coefficients);
    }

    private Map<String, Double> adaptiveCoefficients(NDArray adv, List<NDArray> values, Collection<NDArray> trained) {
        List<NDArray> losses = new ArrayList<>(List.of(adv));
        List<Named> adaptive = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            if (values.get(i) != null && terms.get(i).weighted().adaptive()) {
                losses.add(values.get(i));
                adaptive.add(terms.get(i));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        if (adaptive.isEmpty()) {
            return out;
        }
        // One call for all norms; it keeps the graphs alive for the backward of the total.
        float[] norms = TorchScriptAutograd.gradientNorms(losses, trained, adv.getManager());
        for (int i = 0; i < adaptive.size(); i++) {
            Named t = adaptive.get(i);
            out.put(t.metricName(), t.weighted().weight() * norms[0] / (norms[i + 1] + ADAPTIVE_EPSILON));
        }
        return out;
    }
}
