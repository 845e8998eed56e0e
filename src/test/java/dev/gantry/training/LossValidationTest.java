package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.loss.LossCatalog;
import dev.gantry.training.loss.TermDescriptor;
import dev.gantry.training.loss.TermParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks {@link TrainingCatalog#validate} makes on the loss: names, combinations, term parameters. */
class LossValidationTest {

    private static final TrainingConfig BASE = TestConfigs.tiny("ring8", "non-saturating", 100, 1);

    private static TrainingConfig with(LossConfig loss, int hiddenLayers) {
        return new TrainingConfig(
                BASE.data(),
                ModelConfig.mlp(2, 16, hiddenLayers, false),
                loss,
                BASE.generatorOptimizer(),
                BASE.discriminatorOptimizer(),
                BASE.steps(),
                BASE.batchSize(),
                BASE.discriminatorSteps(),
                BASE.seed(),
                0,
                0,
                BASE.evaluationSamples(),
                0,
                0,
                0);
    }

    private static List<ConfigViolation> violations(LossConfig loss) {
        return TrainingCatalog.validate(with(loss, 2));
    }

    private static List<String> fields(LossConfig loss) {
        return violations(loss).stream().map(ConfigViolation::field).sorted().toList();
    }

    private static LossConfig terms(TermConfig... terms) {
        return new LossConfig("non-saturating", 0, List.of(terms));
    }

    private static TermConfig term(String type, Map<String, ? extends Object> params) {
        return new TermConfig(type, 1, false, new java.util.LinkedHashMap<String, Object>(params));
    }

    @Test
    void every_loss_and_every_term_with_its_defaults_is_valid() {
        for (String adversarial : TrainingCatalog.adversarialLosses()) {
            assertEquals(List.of(), fields(new LossConfig(adversarial, 0, List.of())), adversarial);
        }
        List<TermConfig> all = new ArrayList<>();
        List<String> required = new ArrayList<>();
        for (TermDescriptor term : LossCatalog.TERMS) {
            all.add(new TermConfig(term.name(), 1, !term.constraint(), Map.of()));
            for (TermParam p : term.params()) {
                if (p.required()) {
                    required.add("loss.terms[" + (all.size() - 1) + "].params." + p.name());
                }
            }
        }
        // perceptual's network and layers have no default: left out, each is reported, nothing else.
        assertEquals(
                List.of("loss.terms[8].params.layers", "loss.terms[8].params.network"),
                required.stream().sorted().toList());
        assertEquals(required.stream().sorted().toList(), fields(new LossConfig("wasserstein", 0, all)));
    }

    @Test
    void label_smoothing_is_refused_on_losses_that_are_not_a_cross_entropy() {
        assertEquals(List.of(), fields(new LossConfig("minimax", 0.49, List.of())));
        for (String adversarial :
                List.of("wasserstein", "hinge", "least-squares", "rsgan", "rasgan", "ralsgan", "rahinge")) {
            List<ConfigViolation> v = violations(new LossConfig(adversarial, 0.1, List.of()));
            assertEquals(1, v.size(), adversarial);
            assertEquals("loss.labelSmoothing", v.get(0).field());
            assertTrue(
                    v.get(0).message().contains("minimax and non-saturating")
                            && v.get(0).message().contains(adversarial),
                    v.get(0).message());
        }
    }

    @Test
    void label_smoothing_must_be_in_zero_to_one_half() {
        for (double s : new double[] {-0.1, 0.5, 1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals(
                    List.of("loss.labelSmoothing"), fields(new LossConfig("non-saturating", s, List.of())), "s=" + s);
        }
    }

    @Test
    void the_adversarial_weight_is_a_finite_number_of_at_least_zero() {
        for (double w : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals(
                    List.of("loss.adversarialWeight"),
                    fields(new LossConfig("non-saturating", w, 0, List.of())),
                    "λ_adv=" + w);
        }
        for (double w : new double[] {0, 1e-3, 1, 100}) {
            assertEquals(List.of(), fields(new LossConfig("hinge", w, 0, List.of())), "λ_adv=" + w);
        }
    }

    @Test
    void a_constraint_cannot_be_adaptive_or_weighted() {
        List<ConfigViolation> v = violations(terms(new TermConfig("weight-clipping", 2, true, Map.of())));
        assertEquals(
                List.of("loss.terms[0].adaptive", "loss.terms[0].weight"),
                v.stream().map(ConfigViolation::field).sorted().toList());
        assertTrue(v.stream().anyMatch(x -> x.message().contains("cannot be adaptive")), v.toString());
    }

    @Test
    void feature_layers_must_name_a_hidden_layer_of_the_discriminator() {
        assertEquals(
                List.of(),
                fields(terms(
                        term("feature-matching", Map.of("layer", 1.0)), term("contrastive", Map.of("layer", -2.0)))));
        List<ConfigViolation> v =
                TrainingCatalog.validate(with(terms(term("feature-matching", Map.of("layer", 3.0))), 3));
        assertEquals(
                List.of("loss.terms[0].params.layer"),
                v.stream().map(ConfigViolation::field).toList());
        assertTrue(
                v.get(0).message().contains("3 hidden layers")
                        && v.get(0).message().contains("use 0 to 2"),
                v.get(0).message());
        assertEquals(
                List.of("loss.terms[0].params.layer", "loss.terms[1].params.layer"),
                fields(terms(
                        term("contrastive", Map.of("layer", -3.0)), term("feature-matching", Map.of("layer", 0.5)))));
    }

    @Test
    void every_bad_term_parameter_is_reported_by_its_path() {
        assertEquals(
                List.of(
                        "loss.terms[0].params.target",
                        "loss.terms[1].params.oneSided",
                        "loss.terms[2].params.p",
                        "loss.terms[3].params.margin",
                        "loss.terms[4].params.layers",
                        "loss.terms[5].params.layers",
                        "loss.terms[6].params.c",
                        "loss.terms[7].params.k",
                        "loss.terms[8].params.clip",
                        "loss.terms[9].params.gamma"),
                fields(terms(
                        term("gradient-penalty", Map.of("target", -1.0)),
                        term("gradient-penalty", Map.of("oneSided", 0.5)),
                        term("reconstruction", Map.of("p", 3.0)),
                        term("contrastive", Map.of("margin", 0.0)),
                        term("perceptual-random", Map.of("layers", 0.0)),
                        term("perceptual-random", Map.of("layers", 1.5)),
                        term("dragan", Map.of("c", 0.0)),
                        term("dragan", Map.of("k", -0.5)),
                        term("weight-clipping", Map.of("clip", -0.01)),
                        term("r1", Map.of("gamma", 10.0)))));
    }

    @Test
    void non_finite_parameters_and_weights_are_refused() {
        Map<String, Double> nan = new HashMap<>();
        nan.put("margin", Double.NaN);
        assertEquals(
                List.of("loss.terms[0].params.margin", "loss.terms[1].weight"),
                fields(terms(
                        term("contrastive", nan), new TermConfig("r1", Double.POSITIVE_INFINITY, true, Map.of()))));
    }

    @Test
    void a_missing_parameter_takes_its_catalog_default() {
        assertEquals(-1.0, param("feature-matching", Map.of(), "layer"));
        assertEquals(1.0, param("reconstruction", Map.of(), "p"));
        assertEquals(2.0, param("perceptual-random", Map.of(), "layers"));
        assertEquals(0.5, param("dragan", Map.of("k", 3.0), "c"));
        assertEquals(3.0, param("dragan", Map.of("k", 3.0), "k"));
    }

    private static double param(String term, Map<String, Double> given, String name) {
        return LossCatalog.term(term)
                .orElseThrow()
                .param(new TermConfig(term, 1, false, new java.util.LinkedHashMap<String, Object>(given)), name);
    }
}
