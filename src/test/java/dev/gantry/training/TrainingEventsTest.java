package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.TensorData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TrainingEventsTest {

    private static TrainingConfig cadence(TrainingConfig c, int checkpoint, int eval, int sample) {
        return new TrainingConfig(
                c.data(),
                c.model(),
                c.loss(),
                c.generatorOptimizer(),
                c.discriminatorOptimizer(),
                c.steps(),
                c.batchSize(),
                c.discriminatorSteps(),
                c.seed(),
                checkpoint,
                eval,
                c.evaluationSamples(),
                sample,
                c.emaDecay(),
                c.instanceNoise());
    }

    @Test
    void checkpoints_evaluations_and_samples_follow_their_cadence_and_the_end() throws IOException {
        TrainingConfig config = cadence(TestConfigs.tiny("grid25", "hinge", 45, 1), 20, 10, 20);
        RecordingListener l = new RecordingListener();
        TrainingResult result = GanTraining.run(config, null, l);

        assertEquals(List.of(20L, 40L, 45L), l.checkpointSteps);
        assertEquals(
                List.of(10L, 20L, 30L, 40L, 45L),
                l.evaluations.stream().map(RecordingListener.Evaluation::step).toList());
        for (RecordingListener.Evaluation e : l.evaluations) {
            // The spread only when some generated point lies within 3σ of a mode.
            assertTrue(
                    java.util.Set.of("eval/modes", "eval/high-quality", "eval/spread", "eval/sliced-wasserstein")
                                    .containsAll(e.metrics().keySet())
                            && e.metrics()
                                    .keySet()
                                    .containsAll(java.util.Set.of(
                                            "eval/modes", "eval/high-quality", "eval/sliced-wasserstein")),
                    "at " + e.step() + ": " + e.metrics().keySet());
            assertTrue(e.metrics().get("eval/sliced-wasserstein") > 0);
            double modes = e.metrics().get("eval/modes");
            assertTrue(modes >= 0 && modes <= 25);
            boolean sample = e.step() % 20 == 0 || e.step() == 45;
            if (sample) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(e.png()));
                assertEquals(512, image.getWidth());
                assertEquals(512, image.getHeight());
            } else {
                assertNull(e.png(), "no sample due at " + e.step());
            }
        }
        assertEquals(l.evaluations.get(4).metrics(), result.lastEvaluation());
        assertEquals(45, result.step());
    }

    @Test
    void step_metrics_name_totals_and_each_term_and_report_speed() {
        TrainingConfig config = TestConfigs.tiny("ring8", "least-squares", GanTraining.PERF_EVERY_STEPS, 2);
        Map<Long, Map<String, Double>> raw = new LinkedHashMap<>();
        GanTraining.run(config, null, new RecordingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                raw.put(step, Map.copyOf(metrics));
            }
        });
        Map<String, Double> first = raw.get(1L);
        assertEquals(
                java.util.Set.of("loss/d", "loss/d/least-squares", "loss/g", "loss/g/least-squares"), first.keySet());
        assertEquals(first.get("loss/d"), first.get("loss/d/least-squares"));
        Map<String, Double> last = raw.get((long) GanTraining.PERF_EVERY_STEPS);
        assertTrue(last.get("perf/steps-per-second") > 0);
    }

    @Test
    void swissroll_has_samples_and_a_distance_but_no_mode_metrics() {
        RecordingListener l = new RecordingListener();
        GanTraining.run(TestConfigs.tiny("swissroll", "non-saturating", 3, 1), null, l);
        assertEquals(1, l.evaluations.size());
        assertEquals(
                java.util.Set.of("eval/sliced-wasserstein"),
                l.evaluations.get(0).metrics().keySet());
        assertNotNull(l.evaluations.get(0).png());
    }

    @Test
    void a_nan_loss_ends_the_run_with_the_step_it_happened_at() {
        TrainingConfig config = TestConfigs.tiny("ring8", "non-saturating", 10, 1);
        RecordingListener first = new RecordingListener();
        GanTraining.run(config.withSteps(4), null, first);
        Checkpoint c = Checkpoint.decode(first.checkpoints.get(4L));
        Map<String, TensorData> d = new LinkedHashMap<>(c.discriminator());
        float[] bias = d.get("fc2.bias").values().clone();
        bias[0] = Float.NaN;
        d.put("fc2.bias", new TensorData(d.get("fc2.bias").shape(), bias));
        byte[] poisoned = new Checkpoint(
                        c.step(),
                        c.modelSignature(),
                        c.generator(),
                        d,
                        c.generatorOptimizer(),
                        c.discriminatorOptimizer(),
                        c.generatorEma(),
                        java.util.List.of(),
                        Map.of())
                .encode();

        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class, () -> GanTraining.run(config, poisoned, new RecordingListener()));
        assertEquals(5, e.step());
        assertEquals("loss/d", e.metric());
    }

    @Test
    void an_invalid_config_is_refused_with_every_bad_field() {
        TrainingConfig c = TestConfigs.tiny("ring9", "non-saturating", 0, 1);
        c = new TrainingConfig(
                c.data(),
                c.model(),
                new LossConfig(
                        "hinge",
                        0.0,
                        List.of(new TermConfig("weight-clipping", 2.0, false, Map.of("clip", -1.0, "max", 1.0)))),
                new OptimizerConfig("sgd", 0, 0.5, 1.0, "constant", 0),
                c.discriminatorOptimizer(),
                0,
                c.batchSize(),
                1,
                1,
                0,
                0,
                10,
                0,
                0,
                0);
        TrainingConfig invalid = c;
        InvalidTrainingConfigException e = assertThrows(
                InvalidTrainingConfigException.class, () -> GanTraining.run(invalid, null, new RecordingListener()));
        List<String> fields =
                e.violations().stream().map(ConfigViolation::field).sorted().toList();
        assertEquals(
                List.of(
                        "data.dataset",
                        "generatorOptimizer.beta2",
                        "generatorOptimizer.learningRate",
                        "generatorOptimizer.type",
                        "loss.terms[0].params.clip",
                        "loss.terms[0].params.max",
                        "loss.terms[0].weight",
                        "steps"),
                fields);
    }
}
