package dev.gantry.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel Hyperparameter
 * Tuning"), in its stopping form: rung k is at evaluation {@code minEvaluations·η^k} of a trial;
 * a trial reaching a rung goes on only when its objective there is among the best ⌊n/η⌋ (at least
 * one) of the n values recorded at that rung so far, itself included. Decisions never wait for
 * other trials, so a trial is judged against those that reached the rung before it.
 */
final class Asha {

    private Asha() {}

    /** The steps of a trial's rungs: those before its last step, where stopping still saves work. */
    static List<Long> rungSteps(SweepRequest.EarlyStopping stopping, long evalEvery, long steps) {
        List<Long> out = new ArrayList<>();
        long evaluations = stopping.minEvaluations();
        while (evaluations * evalEvery < steps) {
            out.add(evaluations * evalEvery);
            if (evaluations > Long.MAX_VALUE / stopping.reductionFactor() / Math.max(1, evalEvery)) {
                break;
            }
            evaluations *= stopping.reductionFactor();
        }
        return out;
    }

    /** The evaluation count of rung k. */
    static long evaluations(SweepRequest.EarlyStopping stopping, int rung) {
        long evaluations = stopping.minEvaluations();
        for (int k = 0; k < rung; k++) {
            evaluations *= stopping.reductionFactor();
        }
        return evaluations;
    }

    /**
     * @param earlier the values recorded at the rung before this one
     * @return whether the trial goes on; ties go on, and a NaN is worse than any number
     */
    static boolean continues(double value, List<Double> earlier, int reductionFactor, boolean maximize) {
        int keep = Math.max(1, (earlier.size() + 1) / reductionFactor);
        double score = score(value, maximize);
        long better = earlier.stream().filter(v -> score(v, maximize) > score).count();
        return better < keep;
    }

    /** Higher is better, whatever the goal. */
    static double score(double value, boolean maximize) {
        if (Double.isNaN(value)) {
            return Double.NEGATIVE_INFINITY;
        }
        return maximize ? value : -value;
    }
}
