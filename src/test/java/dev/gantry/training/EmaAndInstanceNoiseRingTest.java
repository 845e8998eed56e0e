package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.SyntheticDataset;
import dev.gantry.training.data.SyntheticDatasets;
import dev.gantry.training.eval.ModeCoverage;
import dev.gantry.training.eval.ScatterPlot;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A short ring8 run with every training option on: EMA, instance noise, a linear learning-rate
 * decay for both networks at two rates. It trains to finite losses, reports the options' metrics,
 * and its evaluation and sample plot come from the EMA generator, not from the raw one.
 */
class EmaAndInstanceNoiseRingTest {

    private static final int STEPS = 400;

    @Test
    void trains_to_finite_losses_and_evaluates_and_plots_the_ema_generator() {
        TrainingConfig config = new TrainingConfig(
                DataConfig.points("ring8"),
                ModelConfig.mlp(2, 64, 2, false),
                new LossConfig("non-saturating", 0.0, List.of()),
                new OptimizerConfig("adam", 1e-3, 0.5, 0.999, "linear", 200),
                new OptimizerConfig("adam", 2e-3, 0.5, 0.999, "linear", 200),
                STEPS,
                128,
                1,
                21,
                0,
                0,
                2500,
                0,
                0.99,
                0.1);
        RecordingListener l = new RecordingListener();
        GanTraining.run(config, null, l);

        assertEquals(STEPS, l.losses.size());
        for (Map.Entry<Long, Map<String, Double>> step : l.losses.entrySet()) {
            step.getValue()
                    .forEach((name, value) ->
                            assertTrue(Double.isFinite(value), name + " at step " + step.getKey() + " is " + value));
        }
        Map<String, Double> first = l.losses.get(1L);
        Map<String, Double> last = l.losses.get((long) STEPS);
        assertEquals(0.1, first.get("noise/sigma"), 1e-12);
        assertEquals(0.1 / STEPS, last.get("noise/sigma"), 1e-12);
        assertEquals(1e-3, first.get("lr/g"), 1e-15);
        assertEquals(2e-3 / 200, last.get("lr/d"), 1e-15);

        // The run's final evaluation against points drawn, with the evaluation's seed, from the
        // EMA weights of its final checkpoint and from its raw generator.
        byte[] checkpoint = l.checkpoints.get((long) STEPS);
        Checkpoint c = Checkpoint.decode(checkpoint);
        long seed = StepSeeds.of(config.seed(), STEPS, StepSeeds.EVALUATION);
        float[] ema = GeneratorSampler.sample(config, checkpoint, config.evaluationSamples(), seed, null)
                .values();
        byte[] rawOnly = new Checkpoint(
                        c.step(),
                        c.modelSignature(),
                        c.generator(),
                        c.discriminator(),
                        c.generatorOptimizer(),
                        c.discriminatorOptimizer(),
                        Map.of(),
                        java.util.List.of(),
                        Map.of())
                .encode();
        float[] raw = GeneratorSampler.sample(config, rawOnly, config.evaluationSamples(), seed, null)
                .values();
        assertFalse(Arrays.equals(ema, raw), "the EMA generator draws the raw generator's points");

        RecordingListener.Evaluation evaluation = l.evaluations.get(l.evaluations.size() - 1);
        assertEquals(STEPS, evaluation.step());
        SyntheticDataset ring = SyntheticDatasets.byName("ring8");
        ModeCoverage coverage = ModeCoverage.of(ema, ring.modes(), ring.sigma());
        assertEquals(coverage.modesCaptured(), evaluation.metrics().get("eval/modes"));
        assertEquals(coverage.highQualityFraction(), evaluation.metrics().get("eval/high-quality"));
        float[] real = new float[GanTraining.PLOT_REAL_POINTS * 2];
        ring.sample(
                new SplittableRandom(StepSeeds.of(config.seed(), 0, StepSeeds.REAL_PLOT)),
                GanTraining.PLOT_REAL_POINTS,
                real);
        assertArrayEquals(
                ScatterPlot.png(ema, real, ring.modes(), ring.bounds(), GanTraining.PLOT_SIZE), evaluation.png());
        assertFalse(Arrays.equals(
                ScatterPlot.png(raw, real, ring.modes(), ring.bounds(), GanTraining.PLOT_SIZE), evaluation.png()));
        System.out.printf(
                "ring8 with EMA and instance noise, %d steps: %d/8 modes, %.1f%% high quality (raw G: %.1f%%)%n",
                STEPS,
                coverage.modesCaptured(),
                100 * coverage.highQualityFraction(),
                100 * ModeCoverage.of(raw, ring.modes(), ring.sigma()).highQualityFraction());
    }
}
