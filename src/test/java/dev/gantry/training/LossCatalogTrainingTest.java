package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.loss.LossCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every adversarial loss and every term of the catalog trains: a few hundred steps of ring8 on a
 * small model, every loss finite, each weighted part reported under its side's name and summing to
 * the side's total, adaptive coefficients reported as {@code weight/<side>/<term>}.
 */
class LossCatalogTrainingTest {

    private static final int STEPS = 300;

    record Case(String name, LossConfig loss, boolean spectralNorm) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String adversarial : List.of("rsgan", "rasgan", "ralsgan", "rahinge")) {
            out.add(new Case(adversarial, new LossConfig(adversarial, 0, List.of()), false));
        }
        out.add(new Case(
                "non-saturating, label smoothing 0.1", new LossConfig("non-saturating", 0.1, List.of()), false));
        out.add(new Case("minimax, label smoothing 0.2", new LossConfig("minimax", 0.2, List.of()), false));
        out.add(new Case(
                "wasserstein + gradient-penalty", loss("wasserstein", term("gradient-penalty", 10, false)), false));
        out.add(new Case(
                "wasserstein + one-sided gradient-penalty",
                loss("wasserstein", new TermConfig("gradient-penalty", 10, false, Map.of("oneSided", 1.0))),
                false));
        out.add(new Case("non-saturating + r1", loss("non-saturating", term("r1", 1, false)), false));
        out.add(new Case("non-saturating + r2", loss("non-saturating", term("r2", 1, false)), false));
        out.add(new Case("non-saturating + dragan", loss("non-saturating", term("dragan", 10, false)), false));
        out.add(new Case(
                "non-saturating + feature-matching",
                loss("non-saturating", new TermConfig("feature-matching", 1, false, Map.of("layer", 0.0))),
                false));
        out.add(new Case(
                "least-squares + reconstruction L2",
                loss("least-squares", new TermConfig("reconstruction", 0.1, false, Map.of("p", 2.0))),
                false));
        out.add(new Case(
                "non-saturating + contrastive", loss("non-saturating", term("contrastive", 0.1, false)), false));
        out.add(new Case(
                "non-saturating + perceptual-random",
                loss("non-saturating", term("perceptual-random", 0.1, false)),
                false));
        out.add(new Case("hinge + spectral norm", new LossConfig("hinge", 0, List.of()), true));
        out.add(new Case(
                "rahinge + adaptive gradient-penalty and r1, adaptive feature-matching, spectral norm",
                loss(
                        "rahinge",
                        term("gradient-penalty", 1, true),
                        term("r1", 0.5, true),
                        term("feature-matching", 0.5, true)),
                true));
        return out;
    }

    @Test
    void the_cases_cover_every_new_loss_and_every_term_of_the_catalog() {
        Set<String> adversarial = new TreeSet<>();
        Set<String> terms = new TreeSet<>();
        for (Case c : cases()) {
            adversarial.add(c.loss().adversarial());
            c.loss().terms().forEach(t -> terms.add(t.type()));
        }
        assertTrue(adversarial.containsAll(Set.of("rsgan", "rasgan", "ralsgan", "rahinge")), adversarial.toString());
        Set<String> expected = new TreeSet<>(TrainingCatalog.terms());
        expected.remove("weight-clipping"); // trained by DeterminismTest and the quality table since the start
        expected.remove("perceptual"); // needs images and an uploaded network: features.PerceptualTrainingTest
        assertEquals(expected, terms);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void trains_with_finite_losses_and_reports_every_part(Case c) {
        TrainingConfig tiny = TestConfigs.tiny("ring8", c.loss().adversarial(), STEPS, 17);
        TrainingConfig config = new TrainingConfig(
                tiny.data(),
                ModelConfig.mlp(2, 16, 2, c.spectralNorm()),
                c.loss(),
                tiny.generatorOptimizer(),
                tiny.discriminatorOptimizer(),
                STEPS,
                32,
                1,
                tiny.seed(),
                0,
                0,
                200,
                0,
                0,
                0);
        assertEquals(List.of(), TrainingCatalog.validate(config));
        RecordingListener listener = new RecordingListener();
        long start = System.nanoTime();
        GanTraining.run(config, null, listener);
        System.out.printf("%s: %d steps in %.1f s%n", c, STEPS, (System.nanoTime() - start) / 1e9);

        assertEquals(STEPS, listener.losses.size());
        Set<String> expected = new TreeSet<>(Set.of(
                "loss/d",
                "loss/g",
                "loss/d/" + c.loss().adversarial(),
                "loss/g/" + c.loss().adversarial()));
        for (TermConfig t : c.loss().terms()) {
            String side = LossCatalog.term(t.type()).orElseThrow().side().metric();
            expected.add("loss/" + side + "/" + t.type());
            if (t.adaptive()) {
                expected.add("weight/" + side + "/" + t.type());
            }
        }
        listener.losses.forEach((step, metrics) -> {
            assertEquals(expected, new TreeSet<>(metrics.keySet()), "step " + step);
            metrics.forEach(
                    (name, value) -> assertTrue(Double.isFinite(value), name + " at step " + step + ": " + value));
            for (String side : List.of("d", "g")) {
                double parts = metrics.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("loss/" + side + "/"))
                        .mapToDouble(Map.Entry::getValue)
                        .sum();
                double total = metrics.get("loss/" + side);
                assertEquals(total, parts, 1e-5 * Math.max(1, Math.abs(total)), "loss/" + side + " at step " + step);
            }
        });
    }

    private static LossConfig loss(String adversarial, TermConfig... terms) {
        return new LossConfig(adversarial, 0, List.of(terms));
    }

    private static TermConfig term(String type, double weight, boolean adaptive) {
        return new TermConfig(type, weight, adaptive, Map.of());
    }
}
