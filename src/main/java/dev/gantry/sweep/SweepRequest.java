package dev.gantry.sweep;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A sweep as a client describes it: a base job spec, a search space over spec paths, and how to
 * search it. Left-out fields take the defaults that {@link SweepPlanner} fills in and stores.
 *
 * @param base a job spec, as {@code POST /api/v1/jobs} takes it
 * @param space spec path (such as {@code loss.terms[1].weight}) to the values it takes; in the
 *     order given, the first path varies slowest in a grid
 * @param strategy {@code grid} (every combination of value lists), {@code random} ({@code
 *     samples} configurations drawn with {@code randomSeed}) or {@code pbt} (population-based
 *     training: {@code population} members drawn as a random search draws, then the worst replaced
 *     by perturbed forks of the best at each decision step)
 * @param seeds every configuration runs this many times, with {@code training.seed} the base's
 *     seed (0 when it has none) plus 0, 1, …
 * @param parallelTrials trials queued or running at once
 * @param population PBT's member count
 */
public record SweepRequest(
        String name,
        JsonNode base,
        Map<String, Dimension> space,
        String strategy,
        Integer samples,
        Long randomSeed,
        Integer seeds,
        Objective objective,
        Integer parallelTrials,
        Budget budget,
        EarlyStopping earlyStopping,
        Integer population,
        Pbt pbt) {

    /**
     * One path of the space: a list of {@code values} (grid or random), or a range {@code min} to
     * {@code max} on a {@code linear} or {@code log} {@code scale} (random only), rounded to whole
     * numbers when {@code integer}.
     */
    public record Dimension(List<JsonNode> values, Double min, Double max, String scale, Boolean integer) {}

    /**
     * @param metric an {@code eval/…} metric
     * @param goal {@code min} or {@code max}
     * @param at {@code last}: the value at a trial's last evaluation; {@code best}: its best one
     */
    public record Objective(String metric, String goal, String at) {}

    /** The sweep is refused when its trials would exceed these. {@code steps} counts training steps over all trials. */
    public record Budget(Integer trials, Long steps) {}

    /**
     * ASHA: rung k is at evaluation {@code minEvaluations} × {@code reductionFactor}^k of a trial
     * (its step: that many times {@code evaluation.everySteps}); a trial that reaches a rung outside
     * the best 1/{@code reductionFactor} of the values recorded there so far is stopped.
     */
    public record EarlyStopping(String type, Integer reductionFactor, Integer minEvaluations) {}

    /**
     * Population-based training (Jaderberg et al. 2017), asynchronous, with truncation selection:
     * a member is judged at every {@code intervalEvaluations}-th evaluation (its step: that many
     * times {@code evaluation.everySteps}) against the values recorded there, once {@code quorum}
     * of them are; one in the bottom {@code quantile} is cancelled and replaced by a fork of a
     * member in the top {@code quantile}, from that member's checkpoint at the step, with its
     * parameters perturbed.
     *
     * @param perturbFactors a range's value is multiplied by one of these, drawn uniformly
     * @param resampleProbability a parameter is drawn afresh from its range or list with this
     *     probability instead of perturbed (a list's value otherwise moves to a neighbour)
     */
    public record Pbt(
            Integer intervalEvaluations,
            Double quantile,
            List<Double> perturbFactors,
            Double resampleProbability,
            Integer quorum) {}
}
