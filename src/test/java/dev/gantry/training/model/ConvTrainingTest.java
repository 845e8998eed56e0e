package dev.gantry.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.TrainingData;
import dev.gantry.training.loss.LossCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolutional architectures through the real training loop ({@link GanTraining}): every
 * loss finite, a sample grid at the end, and a run resumed from a checkpoint (batch-norm
 * statistics, spectral-norm vectors, Adam moments) reproducing the uninterrupted run bit for bit.
 * Then every term of the catalog for a couple of steps on images.
 */
class ConvTrainingTest {

    private static final DataConfig GRAY32 = new DataConfig("random", 32, 1);
    private static final DataConfig RGB32 = new DataConfig("random", 32, 3);

    record Case(String name, TrainingConfig config, int classes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> models() {
        return List.of(
                new Case(
                        "dcgan32, batch norm in D, non-saturating",
                        ConvConfigs.config(
                                GRAY32,
                                new ModelConfig("dcgan", 16, 0, 0, 4, false, false, "batch"),
                                ConvConfigs.loss("non-saturating"),
                                4,
                                8,
                                1),
                        0),
                new Case(
                        "dcgan32 RGB, spectral norm, wasserstein + gradient-penalty",
                        ConvConfigs.config(
                                RGB32,
                                new ModelConfig("dcgan", 16, 0, 0, 4, true, false, "none"),
                                ConvConfigs.loss(
                                        "wasserstein", new TermConfig("gradient-penalty", 10, false, Map.of())),
                                4,
                                8,
                                2),
                        0),
                new Case(
                        "dcgan64 conditional, hinge",
                        ConvConfigs.config(
                                new DataConfig("random", 64, 1),
                                new ModelConfig("dcgan", 16, 0, 0, 2, true, true, "none"),
                                ConvConfigs.loss("hinge"),
                                4,
                                6,
                                3),
                        3),
                new Case(
                        "resnet conditional, hinge",
                        ConvConfigs.config(
                                RGB32,
                                new ModelConfig("resnet", 16, 0, 0, 4, true, true, "none"),
                                ConvConfigs.loss("hinge"),
                                4,
                                6,
                                4),
                        4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void trains_and_resumes_bitwise(Case c) {
        TrainingConfig base = c.config();
        TrainingConfig config = ConvConfigs.config(
                base.data(), base.model(), base.loss(), base.steps(), base.batchSize(), base.seed(), 2, 0, 0);
        TrainingData data = ConvConfigs.data(config, 40, c.classes());
        Recorder full = new Recorder();
        GanTraining.run(config, data, null, full);
        assertEquals(config.steps(), full.losses.size());
        full.losses.values().forEach(v -> assertTrue(Double.isFinite(v), "loss " + v));
        assertNotNull(full.lastPng, "a sample grid at the end");

        Recorder resumed = new Recorder();
        GanTraining.run(config, data, full.checkpoints.get(2L), resumed);
        assertEquals(List.of(3L, 4L), List.copyOf(resumed.losses.keySet()));
        for (long step = 3; step <= 4; step++) {
            assertEquals(full.losses.get(step), resumed.losses.get(step), "loss/d at step " + step + " after resume");
        }
    }

    // perceptual needs an uploaded feature network, which this test has none of; its own golden
    // cases (PerceptualConformanceTest's vgg_tiny.pt) and the journey tests train it.
    static List<String> terms() {
        return LossCatalog.termNames().stream()
                .filter(t -> !t.equals("perceptual"))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("terms")
    void every_term_of_the_catalog_trains_on_images(String term) {
        boolean discriminatorTerm =
                LossCatalog.term(term).orElseThrow().inputGradient() || term.equals("weight-clipping");
        LossConfig loss = ConvConfigs.loss(
                discriminatorTerm ? "wasserstein" : "non-saturating", new TermConfig(term, 1, false, Map.of()));
        // No batch norm in D: the penalties need per-sample input gradients.
        TrainingConfig config =
                ConvConfigs.config(GRAY32, new ModelConfig("dcgan", 8, 0, 0, 2, false, false, "none"), loss, 2, 4, 5);
        Recorder run = new Recorder();
        GanTraining.run(config, ConvConfigs.data(config, 16, 0), null, run);
        assertEquals(2, run.losses.size());
        run.all.forEach((name, value) -> assertTrue(Double.isFinite(value), term + ": " + name + " = " + value));
        if (!term.equals("weight-clipping")) { // a constraint, not a loss
            assertTrue(run.all.keySet().stream().anyMatch(k -> k.endsWith("/" + term)), term + " reported no part");
        }
    }

    private static final class Recorder implements TrainingListener {
        final Map<Long, Double> losses = new TreeMap<>();
        final Map<String, Double> all = new TreeMap<>();
        final Map<Long, byte[]> checkpoints = new TreeMap<>();
        byte[] lastPng;
        final List<Long> evaluations = new ArrayList<>();

        @Override
        public void onStep(long step, Map<String, Double> metrics) {
            losses.put(step, metrics.get("loss/d"));
            all.putAll(metrics);
        }

        @Override
        public void onCheckpoint(long step, byte[] checkpoint) {
            checkpoints.put(step, checkpoint);
        }

        @Override
        public void onEvaluation(long step, Map<String, Double> metrics, byte[] samplePng) {
            evaluations.add(step);
            if (samplePng != null) {
                lastPng = samplePng;
            }
        }
    }
}
