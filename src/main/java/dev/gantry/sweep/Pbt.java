package dev.gantry.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * The rules of population-based training (Jaderberg et al. 2017, "Population Based Training of
 * Neural Networks"), as truncation selection with perturbation: at a decision step, of the n
 * values recorded there, a member that at least n − k others do not beat is in the bottom and one
 * that fewer than k others beat is in the top, k = max(1, ⌊n · quantile⌋) (none below two
 * values). A bottom member is replaced by a fork of a top member (exploit) whose parameters are
 * perturbed (explore). Ties are in neither the bottom nor the top's way: a member beaten by no one
 * is never replaced, and equal values are all replaced or none.
 */
final class Pbt {

    private Pbt() {}

    /** A decision every this many steps. */
    static long intervalSteps(SweepRequest.Pbt pbt, long evalEvery) {
        return pbt.intervalEvaluations() * evalEvery;
    }

    /** The decision steps before a member's last step: where replacing it still saves work. */
    static List<Long> decisionSteps(long intervalSteps, long steps) {
        List<Long> out = new ArrayList<>();
        for (long step = intervalSteps; step < steps; step += intervalSteps) {
            out.add(step);
        }
        return out;
    }

    /** How many members make the bottom and the top of n values. */
    static int quantileCount(int n, double quantile) {
        return n < 2 ? 0 : Math.max(1, (int) Math.floor(n * quantile));
    }

    private static long better(double value, Collection<Double> values, boolean maximize) {
        double score = Asha.score(value, maximize);
        return values.stream().filter(v -> Asha.score(v, maximize) > score).count();
    }

    /** @param values all the values at the step, this one's included */
    static boolean inBottom(double value, Collection<Double> values, double quantile, boolean maximize) {
        int k = quantileCount(values.size(), quantile);
        return k > 0 && better(value, values, maximize) >= values.size() - k;
    }

    /** The trials in the top quantile, in trial order. */
    static List<Integer> top(Map<Integer, Double> values, double quantile, boolean maximize) {
        int k = Math.max(1, quantileCount(values.size(), quantile));
        List<Integer> out = new ArrayList<>();
        values.forEach((trial, value) -> {
            if (better(value, values.values(), maximize) < k) {
                out.add(trial);
            }
        });
        out.sort(Integer::compare);
        return out;
    }

    /**
     * The draws of one decision, from the sweep's seed and the decision's identity (the member's
     * trial and the step), so a pass repeated after a crash chooses the same parent and values.
     */
    static SplittableRandom random(long randomSeed, int trial, long step) {
        return new SplittableRandom(randomSeed ^ (trial * 0x9E3779B97F4A7C15L) ^ (step * 0xC2B2AE3D27D4EB4FL));
    }

    /**
     * The parent's values, explored, in the space's order: each parameter is drawn afresh with
     * {@code resampleProbability}; otherwise a range's value is multiplied by one of {@code
     * perturbFactors} and clamped to [min, max] (rounded when {@code integer}), and a list's value
     * moves to the one before or after it in the list (staying put at an end).
     */
    static Map<String, JsonNode> explore(
            Map<String, JsonNode> parent,
            Map<String, SweepRequest.Dimension> space,
            SweepRequest.Pbt pbt,
            SplittableRandom random) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        space.forEach((path, d) -> {
            JsonNode value = parent.get(path);
            if (value == null || random.nextDouble() < pbt.resampleProbability()) {
                out.put(path, SweepPlanner.draw(d, random));
            } else if (d.values() != null) {
                out.put(path, neighbour(d.values(), value, random));
            } else {
                double factor = pbt.perturbFactors()
                        .get(random.nextInt(pbt.perturbFactors().size()));
                out.put(path, SweepPlanner.inRange(d, value.asDouble() * factor));
            }
        });
        return out;
    }

    private static JsonNode neighbour(List<JsonNode> values, JsonNode value, SplittableRandom random) {
        int index = values.indexOf(value);
        int step = random.nextBoolean() ? 1 : -1;
        if (index < 0) {
            // Not one of the list (a value of an older request): keep it.
            return value;
        }
        return values.get(Math.max(0, Math.min(values.size() - 1, index + step)));
    }
}
