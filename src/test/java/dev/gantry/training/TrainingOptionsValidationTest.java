package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks {@link TrainingCatalog#validate} makes on schedules, EMA and instance noise. */
class TrainingOptionsValidationTest {

    private static final TrainingConfig BASE = TestConfigs.tiny("ring8", "non-saturating", 100, 1);

    private static TrainingConfig with(OptimizerConfig g, OptimizerConfig d, double ema, double noise) {
        return new TrainingConfig(
                BASE.data(),
                BASE.model(),
                BASE.loss(),
                g,
                d,
                BASE.steps(),
                BASE.batchSize(),
                BASE.discriminatorSteps(),
                BASE.seed(),
                0,
                0,
                BASE.evaluationSamples(),
                0,
                ema,
                noise);
    }

    private static OptimizerConfig adam(String schedule, int decayStartStep) {
        return new OptimizerConfig("adam", 1e-3, 0.5, 0.9, schedule, decayStartStep);
    }

    private static List<String> fields(TrainingConfig c) {
        return TrainingCatalog.validate(c).stream()
                .map(ConfigViolation::field)
                .sorted()
                .toList();
    }

    @Test
    void the_edges_of_every_option_are_accepted() {
        assertEquals(List.of(), fields(with(adam("linear", 0), adam("linear", 99), 0.999999, 1e-9)));
        assertEquals(List.of(), fields(with(adam("constant", 0), adam("linear", 50), 0, 0)));
        assertEquals(List.of(), fields(with(adam("constant", 0), adam("constant", 0), 1e-6, 3)));
    }

    @Test
    void every_bad_option_is_reported_by_its_field() {
        assertEquals(
                List.of(
                        "discriminatorOptimizer.decayStartStep",
                        "emaDecay",
                        "generatorOptimizer.schedule",
                        "instanceNoise"),
                fields(with(adam("cosine", 0), adam("linear", 100), 1.0, -0.1)));
    }

    @Test
    void a_decay_start_is_refused_outside_the_run_and_on_the_constant_schedule() {
        assertEquals(
                List.of("generatorOptimizer.decayStartStep"),
                fields(with(adam("linear", -1), adam("constant", 0), 0, 0)));
        assertEquals(
                List.of("generatorOptimizer.decayStartStep"),
                fields(with(adam("linear", 100), adam("constant", 0), 0, 0)));
        assertEquals(
                List.of("discriminatorOptimizer.decayStartStep"),
                fields(with(adam("constant", 0), adam("constant", 5), 0, 0)));
        ConfigViolation v = TrainingCatalog.validate(with(adam("linear", 100), adam("constant", 0), 0, 0))
                .get(0);
        assertTrue(v.message().contains("99"), v.message());
    }

    @Test
    void a_missing_schedule_and_non_finite_numbers_are_refused() {
        assertEquals(
                List.of("discriminatorOptimizer.schedule", "emaDecay", "instanceNoise"),
                fields(with(adam("constant", 0), adam(null, 0), Double.NaN, Double.NaN)));
        assertEquals(
                List.of("emaDecay", "instanceNoise"),
                fields(with(adam("constant", 0), adam("constant", 0), -0.5, Double.POSITIVE_INFINITY)));
    }
}
