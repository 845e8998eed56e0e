package dev.gantry.training;

import dev.gantry.training.eval.EvaluationProtocol;
import java.util.Map;

/**
 * How a run reports. All calls come from the training thread, between steps; a slow listener
 * slows training, so batch expensive work (database writes) on the listener's side. Every method
 * does nothing by default, so a listener overrides only what it uses.
 */
public interface TrainingListener {

    /**
     * After every step. Metrics: {@code loss/d}, {@code loss/g}, {@code loss/d/<term>}, {@code
     * loss/g/<term>} (discriminator values are averaged over the step's discriminator updates) and,
     * every {@link GanTraining#PERF_EVERY_STEPS} steps, {@code perf/steps-per-second}.
     */
    default void onStep(long step, Map<String, Double> metrics) {}

    /** A checkpoint in {@link Checkpoint}'s byte format, taken after {@code step}. */
    default void onCheckpoint(long step, byte[] checkpoint) {}

    /**
     * Evaluation after {@code step}: {@code eval/modes} and {@code eval/high-quality} for datasets
     * with modes (empty map when metrics are not due or not defined), and a PNG scatter plot
     * ({@code null} when no sample is due).
     */
    default void onEvaluation(long step, Map<String, Double> metrics, byte[] samplePng) {}

    /**
     * Evaluation after {@code step} with the protocol each metric was measured under; what the run
     * calls. Image jobs report {@code eval/pixel-*} and, with a feature network, {@code eval/fid},
     * {@code eval/kid}, {@code eval/kid-std}, {@code eval/precision}, {@code eval/recall}. By
     * default it forwards to {@link #onEvaluation(long, Map, byte[])}.
     */
    default void onEvaluation(
            long step, Map<String, Double> metrics, Map<String, EvaluationProtocol> protocols, byte[] samplePng) {
        onEvaluation(step, metrics, samplePng);
    }

    /** Polled before every step; when true the run checkpoints and returns. */
    default boolean stopRequested() {
        return false;
    }
}
