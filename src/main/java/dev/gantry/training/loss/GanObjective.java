package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

import dev.gantry.training.LossConfig;
import dev.gantry.training.TermConfig;
import dev.gantry.training.model.Network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weighted composition L = L_adv + Σ wᵢ·Lᵢ for each side. Keeps every weighted part so each
 * can be reported on its own.
 */
public final class GanObjective {

    private record Weighted(String metricName, double weight, LossTerm term) {}

    private final AdversarialLoss adversarial;
    private final List<Weighted> terms;

    public GanObjective(AdversarialLoss adversarial, List<Map.Entry<LossTerm, Double>> weightedTerms) {
        this.adversarial = adversarial;
        this.terms = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        seen.put(adversarial.name(), 1);
        for (Map.Entry<LossTerm, Double> e : weightedTerms) {
            String base = e.getKey().name();
            int n = seen.merge(base, 1, Integer::sum);
            // Two terms of one type (two penalties with different weights) must not share a metric.
            String metric = n == 1 ? base : base + "#" + n;
            terms.add(new Weighted(metric, e.getValue(), e.getKey()));
        }
    }

    public static GanObjective from(LossConfig config) {
        List<Map.Entry<LossTerm, Double>> terms = new ArrayList<>();
        for (TermConfig t : config.terms()) {
            terms.add(Map.entry(term(t), t.weight()));
        }
        return new GanObjective(adversarial(config.adversarial()), terms);
    }

    public static AdversarialLoss adversarial(String name) {
        return switch (name) {
            case "non-saturating" -> new NonSaturatingLoss();
            case "minimax" -> new MinimaxLoss();
            case "least-squares" -> new LeastSquaresLoss();
            case "wasserstein" -> new WassersteinLoss();
            case "hinge" -> new HingeLoss();
            default -> throw new IllegalArgumentException("unknown adversarial loss: " + name);
        };
    }

    private static LossTerm term(TermConfig t) {
        return switch (t.type()) {
            case "weight-clipping" -> new WeightClipping(t.param("clip"));
            default -> throw new IllegalArgumentException("unknown term: " + t.type());
        };
    }

    public AdversarialLoss adversarial() {
        return adversarial;
    }

    public LossBreakdown discriminator(DiscriminatorPass pass) {
        Map<String, NDArray> parts = new LinkedHashMap<>();
        NDArray total = adversarial.discriminatorLoss(pass.realLogits(), pass.fakeLogits());
        parts.put(adversarial.name(), total);
        for (Weighted w : terms) {
            total = add(parts, w, total, w.term().discriminatorLoss(pass));
        }
        return new LossBreakdown(total, parts);
    }

    public LossBreakdown generator(GeneratorPass pass) {
        Map<String, NDArray> parts = new LinkedHashMap<>();
        NDArray total = adversarial.generatorLoss(pass.realLogits(), pass.fakeLogits());
        parts.put(adversarial.name(), total);
        for (Weighted w : terms) {
            total = add(parts, w, total, w.term().generatorLoss(pass));
        }
        return new LossBreakdown(total, parts);
    }

    public void afterDiscriminatorUpdate(Network discriminator) {
        for (Weighted w : terms) {
            w.term().afterDiscriminatorUpdate(discriminator);
        }
    }

    /** Whether the generator step must also run the discriminator on a real batch. */
    public boolean generatorNeedsRealBatch() {
        return adversarial.generatorNeedsRealLogits()
                || terms.stream().anyMatch(w -> w.term().generatorNeedsRealBatch());
    }

    private static NDArray add(Map<String, NDArray> parts, Weighted w, NDArray total, NDArray value) {
        if (value == null) {
            return total;
        }
        // A float, not the double: a 0-dim float64 factor would promote the 0-dim loss to float64.
        NDArray weighted = w.weight() == 1.0 ? value : value.mul((float) w.weight());
        parts.put(w.metricName(), weighted);
        return total.add(weighted);
    }
}
