package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeterminismTest {

    static List<TrainingConfig> configs() {
        TrainingConfig ns = TestConfigs.tiny("ring8", "non-saturating", 40, 3);
        TrainingConfig wgan = TestConfigs.tiny("grid25", "wasserstein", 40, 4);
        wgan = new TrainingConfig(
                wgan.data(),
                wgan.model(),
                new LossConfig(
                        "wasserstein",
                        0.0,
                        List.of(new TermConfig("weight-clipping", 1.0, false, Map.of("clip", 0.05)))),
                wgan.generatorOptimizer(),
                wgan.discriminatorOptimizer(),
                wgan.steps(),
                wgan.batchSize(),
                3,
                wgan.seed(),
                0,
                0,
                wgan.evaluationSamples(),
                0,
                0,
                0);
        // Every option that carries state or randomness across steps: EMA, instance noise, linear
        // decay on both optimizers (TTUR rates), two discriminator updates per step.
        TrainingConfig options = TestConfigs.tiny("ring8", "non-saturating", 40, 5);
        options = new TrainingConfig(
                options.data(),
                options.model(),
                options.loss(),
                new OptimizerConfig("adam", 1e-3, 0.5, 0.9, "linear", 10),
                new OptimizerConfig("adam", 4e-3, 0.0, 0.9, "linear", 20),
                options.steps(),
                options.batchSize(),
                2,
                options.seed(),
                0,
                0,
                options.evaluationSamples(),
                0,
                0.9,
                0.2);
        // Spectral norm's u vectors are state, the penalties draw from the step's generator, and
        // the perceptual loss rebuilds its feature network from the seed: all must resume exactly.
        TrainingConfig penalties = TestConfigs.tiny("ring8", "rahinge", 40, 6);
        penalties = new TrainingConfig(
                penalties.data(),
                ModelConfig.mlp(2, 32, 2, true),
                new LossConfig(
                        "rahinge",
                        0.0,
                        List.of(
                                new TermConfig("gradient-penalty", 1.0, true, Map.of()),
                                new TermConfig("dragan", 0.5, false, Map.of()),
                                new TermConfig("perceptual-random", 0.1, false, Map.of()))),
                penalties.generatorOptimizer(),
                penalties.discriminatorOptimizer(),
                penalties.steps(),
                penalties.batchSize(),
                2,
                penalties.seed(),
                0,
                0,
                penalties.evaluationSamples(),
                0,
                0,
                0);
        return List.of(ns, wgan, options, penalties);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void two_seeded_runs_report_bitwise_identical_losses(TrainingConfig config) {
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        GanTraining.run(config, null, a);
        GanTraining.run(config, null, b);
        assertEquals(config.steps(), a.losses.size());
        assertEquals(a.losses, b.losses);
        assertArrayEquals(a.checkpoints.get((long) config.steps()), b.checkpoints.get((long) config.steps()));

        RecordingListener other = new RecordingListener();
        GanTraining.run(
                new TrainingConfig(
                        config.data(),
                        config.model(),
                        config.loss(),
                        config.generatorOptimizer(),
                        config.discriminatorOptimizer(),
                        config.steps(),
                        config.batchSize(),
                        config.discriminatorSteps(),
                        config.seed() + 1,
                        0,
                        0,
                        config.evaluationSamples(),
                        0,
                        config.emaDecay(),
                        config.instanceNoise()),
                null,
                other);
        assertNotEquals(a.losses.get(1L), other.losses.get(1L), "the seed changes nothing");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void a_run_resumed_from_a_checkpoint_reproduces_the_uninterrupted_run_bitwise(TrainingConfig config) {
        TrainingConfig withCheckpoints = new TrainingConfig(
                config.data(),
                config.model(),
                config.loss(),
                config.generatorOptimizer(),
                config.discriminatorOptimizer(),
                config.steps(),
                config.batchSize(),
                config.discriminatorSteps(),
                config.seed(),
                15,
                0,
                config.evaluationSamples(),
                0,
                config.emaDecay(),
                config.instanceNoise());
        RecordingListener full = new RecordingListener();
        GanTraining.run(withCheckpoints, null, full);
        assertEquals(List.of(15L, 30L, 40L), full.checkpointSteps);

        RecordingListener resumed = new RecordingListener();
        TrainingResult result = GanTraining.run(withCheckpoints, full.checkpoints.get(15L), resumed);

        assertEquals(40, result.step());
        assertEquals(16L, resumed.losses.keySet().iterator().next());
        assertEquals(new TreeMap<>(full.losses).tailMap(16L), resumed.losses);
        assertArrayEquals(full.checkpoints.get(40L), resumed.checkpoints.get(40L), "final checkpoints differ");
        Checkpoint fullEnd = Checkpoint.decode(full.checkpoints.get(40L));
        Checkpoint resumedEnd = Checkpoint.decode(resumed.checkpoints.get(40L));
        assertEquals(config.emaDecay() > 0, !fullEnd.generatorEma().isEmpty());
        GradientHygieneTest.assertSameValues(fullEnd.generatorEma(), resumedEnd.generatorEma());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void a_stopped_run_checkpoints_where_it_stopped_and_resumes_from_there(TrainingConfig config) {
        RecordingListener full = new RecordingListener();
        GanTraining.run(config, null, full);

        RecordingListener first = new RecordingListener(step -> step >= 12);
        TrainingResult stopped = GanTraining.run(config, null, first);
        assertTrue(stopped.stopped());
        assertEquals(12, stopped.step());
        assertEquals(List.of(12L), first.checkpointSteps);
        assertEquals(12, first.losses.size());

        RecordingListener rest = new RecordingListener();
        TrainingResult finished = GanTraining.run(config, first.checkpoints.get(12L), rest);
        assertEquals(config.steps(), finished.step());
        assertTrue(!finished.stopped());
        assertEquals(new TreeMap<>(full.losses).tailMap(13L), rest.losses);
    }
}
