package dev.gantry.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names a {@link TrainingConfig} may use and the checks it must pass, public so the service's
 * validator can name bad fields without reaching into the training internals.
 */
public final class TrainingCatalog {

    public static final Set<String> DATASETS = Set.of("ring8", "grid25", "swissroll");
    public static final Set<String> ARCHITECTURES = Set.of("mlp");
    public static final Set<String> ADVERSARIAL_LOSSES = Set.of(
            "non-saturating",
            "minimax",
            "least-squares",
            "wasserstein",
            "hinge",
            "rsgan",
            "rasgan",
            "ralsgan",
            "rahinge");
    public static final Set<String> TERMS = Set.of(
            "weight-clipping",
            "gradient-penalty",
            "r1",
            "r2",
            "dragan",
            "feature-matching",
            "reconstruction",
            "contrastive",
            "perceptual");
    public static final Set<String> OPTIMIZERS = Set.of("adam");
    public static final Set<String> SCHEDULES = Set.of(LearningRateSchedule.CONSTANT, LearningRateSchedule.LINEAR);

    /** The adversarial losses that are a binary cross-entropy and so can take label smoothing. */
    public static final Set<String> LABEL_SMOOTHING_LOSSES = Set.of("minimax", "non-saturating");

    public static final double MAX_LABEL_SMOOTHING = 0.5;

    /**
     * Parameters each term accepts, with their defaults. {@code layer} indexes the discriminator's
     * hidden layers from 0, negative values counting from the last (−1: the last hidden layer).
     */
    public static final Map<String, Map<String, Double>> TERM_PARAMS = Map.of(
            "weight-clipping", Map.of("clip", 0.01),
            "gradient-penalty", Map.of("target", 1.0, "oneSided", 0.0),
            "r1", Map.of(),
            "r2", Map.of(),
            "dragan", Map.of("c", 0.5, "k", 1.0),
            "feature-matching", Map.of("layer", -1.0),
            "reconstruction", Map.of("p", 1.0),
            "contrastive", Map.of("layer", -1.0, "margin", 1.0),
            "perceptual", Map.of("layers", 2.0));

    public static final String DISCRIMINATOR = "discriminator";
    public static final String GENERATOR = "generator";

    /**
     * The side each term acts on: a discriminator term is part of L_D (or constrains D), a
     * generator term part of L_G. Its metric is {@code loss/d/<term>} or {@code loss/g/<term>}.
     */
    public static final Map<String, String> TERM_SIDES = Map.of(
            "weight-clipping", DISCRIMINATOR,
            "gradient-penalty", DISCRIMINATOR,
            "r1", DISCRIMINATOR,
            "r2", DISCRIMINATOR,
            "dragan", DISCRIMINATOR,
            "feature-matching", GENERATOR,
            "reconstruction", GENERATOR,
            "contrastive", GENERATOR,
            "perceptual", GENERATOR);

    /**
     * Terms that are constraints rather than losses: they have nothing to scale, so their weight
     * must be 1 (rejecting other values beats silently ignoring a weight the user meant) and they
     * cannot be adaptive.
     */
    public static final Set<String> UNWEIGHTED_TERMS = Set.of("weight-clipping");

    /** Layers of the perceptual loss's feature network, at most. */
    public static final int MAX_PERCEPTUAL_LAYERS = 8;

    public static final int MAX_HIDDEN_LAYERS = 16;

    public static final int DEFAULT_EVALUATION_SAMPLES = 2500;

    private TrainingCatalog() {}

    /** All violations of the config, empty when it can be run. */
    public static List<ConfigViolation> validate(TrainingConfig c) {
        List<ConfigViolation> out = new ArrayList<>();
        oneOf(out, "dataset", c.dataset(), DATASETS);
        ModelConfig m = c.model();
        if (m == null) {
            out.add(new ConfigViolation("model", "is required"));
        } else {
            oneOf(out, "model.architecture", m.architecture(), ARCHITECTURES);
            range(out, "model.latentDim", m.latentDim(), 1, 1024);
            range(out, "model.hiddenUnits", m.hiddenUnits(), 1, 8192);
            range(out, "model.hiddenLayers", m.hiddenLayers(), 1, MAX_HIDDEN_LAYERS);
        }
        LossConfig loss = c.loss();
        if (loss == null) {
            out.add(new ConfigViolation("loss", "is required"));
        } else {
            boolean known = oneOf(out, "loss.adversarial", loss.adversarial(), ADVERSARIAL_LOSSES);
            labelSmoothing(out, loss, known);
            for (int i = 0; i < loss.terms().size(); i++) {
                term(out, "loss.terms[" + i + "]", loss.terms().get(i), m);
            }
        }
        optimizer(out, "generatorOptimizer", c.generatorOptimizer(), c.steps());
        optimizer(out, "discriminatorOptimizer", c.discriminatorOptimizer(), c.steps());
        range(out, "steps", c.steps(), 1, Integer.MAX_VALUE);
        range(out, "batchSize", c.batchSize(), 1, 65536);
        range(out, "discriminatorSteps", c.discriminatorSteps(), 1, 100);
        range(out, "checkpointEverySteps", c.checkpointEverySteps(), 0, Integer.MAX_VALUE);
        range(out, "evaluationEverySteps", c.evaluationEverySteps(), 0, Integer.MAX_VALUE);
        range(out, "evaluationSamples", c.evaluationSamples(), 1, 100_000);
        range(out, "sampleEverySteps", c.sampleEverySteps(), 0, Integer.MAX_VALUE);
        if (!(c.emaDecay() >= 0 && c.emaDecay() < 1)) {
            out.add(new ConfigViolation("emaDecay", "must be 0 (off) or in (0, 1)"));
        }
        if (!(c.instanceNoise() >= 0 && Double.isFinite(c.instanceNoise()))) {
            out.add(new ConfigViolation("instanceNoise", "must be 0 (off) or a finite standard deviation > 0"));
        }
        return out;
    }

    private static void labelSmoothing(List<ConfigViolation> out, LossConfig loss, boolean knownLoss) {
        double s = loss.labelSmoothing();
        if (!(s >= 0 && s < MAX_LABEL_SMOOTHING)) {
            out.add(new ConfigViolation("loss.labelSmoothing", "must be in [0, " + MAX_LABEL_SMOOTHING + ")"));
        } else if (s > 0 && knownLoss && !LABEL_SMOOTHING_LOSSES.contains(loss.adversarial())) {
            out.add(new ConfigViolation(
                    "loss.labelSmoothing",
                    "label smoothing applies to the minimax and non-saturating losses (a cross-entropy on a real "
                            + "target), not to " + loss.adversarial() + "; set it to 0"));
        }
    }

    private static void term(List<ConfigViolation> out, String path, TermConfig t, ModelConfig model) {
        if (t == null) {
            out.add(new ConfigViolation(path, "is required"));
            return;
        }
        if (!oneOf(out, path + ".type", t.type(), TERMS)) {
            return;
        }
        if (UNWEIGHTED_TERMS.contains(t.type())) {
            if (t.weight() != 1.0) {
                out.add(new ConfigViolation(path + ".weight", t.type() + " is a constraint; its weight must be 1"));
            }
            if (t.adaptive()) {
                out.add(new ConfigViolation(
                        path + ".adaptive",
                        t.type() + " is a constraint with no loss to scale; it cannot be adaptive"));
            }
        } else if (!Double.isFinite(t.weight()) || t.weight() < 0) {
            out.add(new ConfigViolation(path + ".weight", "must be a finite number >= 0"));
        }
        Map<String, Double> known = TERM_PARAMS.getOrDefault(t.type(), Map.of());
        for (Map.Entry<String, Double> p : t.params().entrySet()) {
            String field = path + ".params." + p.getKey();
            if (!known.containsKey(p.getKey())) {
                out.add(new ConfigViolation(
                        field,
                        "unknown parameter of " + t.type() + "; known: "
                                + known.keySet().stream().sorted().toList()));
            } else if (p.getValue() == null || !Double.isFinite(p.getValue())) {
                out.add(new ConfigViolation(field, "must be a finite number"));
            } else {
                String problem = paramProblem(t.type(), p.getKey(), p.getValue(), model);
                if (problem != null) {
                    out.add(new ConfigViolation(field, problem));
                }
            }
        }
    }

    /** What is wrong with a finite value of a known parameter, or {@code null}. */
    private static String paramProblem(String type, String name, double v, ModelConfig model) {
        return switch (type + "." + name) {
            case "weight-clipping.clip", "contrastive.margin", "dragan.c" -> v > 0 ? null : "must be > 0";
            case "gradient-penalty.target", "dragan.k" -> v >= 0 ? null : "must be >= 0";
            case "gradient-penalty.oneSided" -> v == 0 || v == 1 ? null : "must be 0 (two-sided) or 1 (one-sided)";
            case "reconstruction.p" -> v == 1 || v == 2 ? null : "must be 1 (L1) or 2 (mean squared error)";
            case "perceptual.layers" ->
                v == Math.rint(v) && v >= 1 && v <= MAX_PERCEPTUAL_LAYERS
                        ? null
                        : "must be a whole number between 1 and " + MAX_PERCEPTUAL_LAYERS;
            case "feature-matching.layer", "contrastive.layer" -> layerProblem(v, model);
            default -> null;
        };
    }

    private static String layerProblem(double layer, ModelConfig model) {
        if (layer != Math.rint(layer)) {
            return "must be a whole number (a hidden layer index)";
        }
        if (model == null || model.hiddenLayers() < 1 || model.hiddenLayers() > MAX_HIDDEN_LAYERS) {
            return null; // the model's own violation says what is wrong
        }
        int n = model.hiddenLayers();
        if (layer < -n || layer >= n) {
            return "the discriminator has " + n + " hidden layers (model.hiddenLayers): use 0 to " + (n - 1)
                    + ", or -1 to -" + n + " counting from the last";
        }
        return null;
    }

    private static void optimizer(List<ConfigViolation> out, String path, OptimizerConfig o, int steps) {
        if (o == null) {
            out.add(new ConfigViolation(path, "is required"));
            return;
        }
        oneOf(out, path + ".type", o.type(), OPTIMIZERS);
        if (!(o.learningRate() > 0 && o.learningRate() <= 1)) {
            out.add(new ConfigViolation(path + ".learningRate", "must be in (0, 1]"));
        }
        if (!(o.beta1() >= 0 && o.beta1() < 1)) {
            out.add(new ConfigViolation(path + ".beta1", "must be in [0, 1)"));
        }
        if (!(o.beta2() >= 0 && o.beta2() < 1)) {
            out.add(new ConfigViolation(path + ".beta2", "must be in [0, 1)"));
        }
        if (!oneOf(out, path + ".schedule", o.schedule(), SCHEDULES)) {
            return;
        }
        String decayStart = path + ".decayStartStep";
        if (LearningRateSchedule.CONSTANT.equals(o.schedule())) {
            if (o.decayStartStep() != 0) {
                out.add(new ConfigViolation(decayStart, "only the linear schedule decays; must be 0 for constant"));
            }
        } else if (steps >= 1 && (o.decayStartStep() < 0 || o.decayStartStep() >= steps)) {
            out.add(new ConfigViolation(decayStart, "must be between 0 and steps - 1 (" + (steps - 1) + ")"));
        }
    }

    private static boolean oneOf(List<ConfigViolation> out, String field, String value, Set<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            out.add(new ConfigViolation(
                    field, "must be one of " + allowed.stream().sorted().toList()));
            return false;
        }
        return true;
    }

    private static void range(List<ConfigViolation> out, String field, long value, long min, long max) {
        if (value < min || value > max) {
            out.add(new ConfigViolation(field, "must be between " + min + " and " + max));
        }
    }
}
