package dev.gantry.sweep;

import dev.gantry.job.JobSpec;
import java.util.List;
import java.util.function.BiConsumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks and defaults a PBT sweep adds to planning. A replacement is a fork, so the space may
 * only name what a fork may change, and every member must have a checkpoint at each decision step
 * that outlives the decisions taken there.
 */
final class PbtPlan {

    static final double DEFAULT_QUANTILE = 0.25;
    static final List<Double> DEFAULT_PERTURB_FACTORS = List.of(0.8, 1.2);
    static final double DEFAULT_RESAMPLE_PROBABILITY = 0.25;
    static final int MAX_INTERVAL_EVALUATIONS = 1000;
    static final int MAX_PERTURB_FACTORS = 10;

    // What shapes a checkpoint's tensors, or the cadence the decisions rely on (JobForks refuses
    // a fork that changes the first; the second would move the decision steps).
    private static final List<String> FORK_FIXED = List.of(
            "dataset",
            "task",
            "data",
            "model",
            "superResolution",
            "training.steps",
            "training.emaDecay",
            "evaluation",
            "checkpoints",
            "from");

    private PbtPlan() {}

    /** The pbt block with its defaults; errors under {@code pbt.…}. */
    static SweepRequest.Pbt settings(SweepRequest.Pbt p, Integer population, BiConsumer<String, String> error) {
        SweepRequest.Pbt given = p == null ? new SweepRequest.Pbt(null, null, null, null, null) : p;
        int interval = given.intervalEvaluations() == null ? 1 : given.intervalEvaluations();
        if (interval < 1 || interval > MAX_INTERVAL_EVALUATIONS) {
            error.accept("pbt.intervalEvaluations", "must be between 1 and " + MAX_INTERVAL_EVALUATIONS);
        }
        double quantile = given.quantile() == null ? DEFAULT_QUANTILE : given.quantile();
        if (!(quantile > 0 && quantile <= 0.5)) {
            error.accept("pbt.quantile", "must be in (0, 0.5]: the bottom and the top quantile must not overlap");
        }
        List<Double> factors = given.perturbFactors() == null ? DEFAULT_PERTURB_FACTORS : given.perturbFactors();
        if (factors.isEmpty()
                || factors.size() > MAX_PERTURB_FACTORS
                || factors.stream().anyMatch(f -> f == null || !Double.isFinite(f) || f <= 0)) {
            error.accept("pbt.perturbFactors", "must hold 1 to " + MAX_PERTURB_FACTORS + " positive factors");
        }
        double resample =
                given.resampleProbability() == null ? DEFAULT_RESAMPLE_PROBABILITY : given.resampleProbability();
        if (!(resample >= 0 && resample <= 1)) {
            error.accept("pbt.resampleProbability", "must be between 0 and 1");
        }
        int max = population == null ? SweepPlanner.MAX_POPULATION : population;
        int quorum = given.quorum() == null ? max : given.quorum();
        if (quorum < 2 || quorum > max) {
            error.accept("pbt.quorum", "must be between 2 and the population (" + max + ")");
        }
        return new SweepRequest.Pbt(interval, quantile, factors, resample, quorum);
    }

    /** Why a space path may not be swept by PBT, or null when it may. */
    static String forkFixed(SpacePath path) {
        for (String fixed : FORK_FIXED) {
            if (path.covers(fixed)
                    || path.text().startsWith(fixed + ".")
                    || path.text().startsWith(fixed + "[")) {
                return "PBT replaces members by forks, which keep " + fixed + " as it is in the base";
            }
        }
        return null;
    }

    /**
     * Gives every member a checkpoint at each decision step, kept while the members behind it may
     * still be judged there: {@code checkpoints.everySteps} is the decision interval unless the base
     * sets a divisor of it, and {@code keepLast} keeps all of a member's checkpoints unless the base
     * sets at least that many.
     */
    static void prepareBase(ObjectNode base, JobSpec complete, SweepRequest.Pbt pbt, BiConsumer<String, String> error) {
        if (pbt.intervalEvaluations() < 1) {
            return; // refused already; no interval to fit the checkpoints to
        }
        if (base.has("from")) {
            error.accept("base.from", "is not for PBT: members start from scratch, replacements from members");
            return;
        }
        long steps = complete.training().steps();
        long interval = complete.evaluation().everySteps() * pbt.intervalEvaluations();
        if (interval >= steps) {
            error.accept(
                    "pbt.intervalEvaluations",
                    "the first decision, at evaluation " + pbt.intervalEvaluations() + " (step " + interval
                            + "), must come before the last step (" + steps + ")");
            return;
        }
        ObjectNode checkpoints = base.get("checkpoints") instanceof ObjectNode c ? c : base.putObject("checkpoints");
        long every = interval;
        if (checkpoints.hasNonNull("everySteps")) {
            every = complete.checkpoints().everySteps();
            if (interval % every != 0) {
                error.accept(
                        "base.checkpoints.everySteps",
                        "must divide the PBT decision interval, " + interval + " steps ("
                                + pbt.intervalEvaluations() + " × evaluation.everySteps), so that every member has a"
                                + " checkpoint at each decision step; leave it out to checkpoint at the decisions");
                return;
            }
        } else {
            checkpoints.put("everySteps", every);
        }
        long needed = (steps + every - 1) / every;
        if (needed > SweepPlanner.MAX_KEEP_LAST) {
            error.accept(
                    "base.checkpoints.everySteps",
                    "makes " + needed + " checkpoints per member, more than the " + SweepPlanner.MAX_KEEP_LAST
                            + " a job may keep; PBT keeps them all");
        } else if (checkpoints.hasNonNull("keepLast")) {
            if (complete.checkpoints().keepLast() < needed) {
                error.accept(
                        "base.checkpoints.keepLast",
                        "must be at least " + needed + " for PBT: a member's checkpoint at a decision step is"
                                + " forked from while later members are judged there; leave it out to keep them all");
            }
        } else {
            checkpoints.put("keepLast", needed);
        }
    }
}
