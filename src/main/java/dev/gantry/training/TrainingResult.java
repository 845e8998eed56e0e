package dev.gantry.training;

import java.util.Map;

/**
 * How a run ended.
 *
 * @param step generator updates completed, the step of the last checkpoint delivered
 * @param stopped true when {@link TrainingListener#stopRequested()} ended it early
 * @param lastMetrics metrics of the last step run in this call (empty if none ran)
 * @param lastEvaluation metrics of the last evaluation (empty if none)
 */
public record TrainingResult(
        long step, boolean stopped, Map<String, Double> lastMetrics, Map<String, Double> lastEvaluation) {}
