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
    public static final Set<String> ADVERSARIAL_LOSSES =
            Set.of("non-saturating", "minimax", "least-squares", "wasserstein", "hinge");
    public static final Set<String> TERMS = Set.of("weight-clipping");
    public static final Set<String> OPTIMIZERS = Set.of("adam");
    public static final Set<String> SCHEDULES = Set.of(LearningRateSchedule.CONSTANT, LearningRateSchedule.LINEAR);

    /** Parameters each term accepts, with their defaults. */
    public static final Map<String, Map<String, Double>> TERM_PARAMS =
            Map.of("weight-clipping", Map.of("clip", 0.01));

    /**
     * Terms that are constraints rather than losses: they have nothing to scale, so their weight
     * must be 1 (rejecting other values beats silently ignoring a weight the user meant).
     */
    public static final Set<String> UNWEIGHTED_TERMS = Set.of("weight-clipping");

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
            range(out, "model.hiddenLayers", m.hiddenLayers(), 1, 16);
        }
        LossConfig loss = c.loss();
        if (loss == null) {
            out.add(new ConfigViolation("loss", "is required"));
        } else {
            oneOf(out, "loss.adversarial", loss.adversarial(), ADVERSARIAL_LOSSES);
            for (int i = 0; i < loss.terms().size(); i++) {
                term(out, "loss.terms[" + i + "]", loss.terms().get(i));
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

    private static void term(List<ConfigViolation> out, String path, TermConfig t) {
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
        } else if (!Double.isFinite(t.weight()) || t.weight() < 0) {
            out.add(new ConfigViolation(path + ".weight", "must be a finite number >= 0"));
        }
        Map<String, Double> known = TERM_PARAMS.getOrDefault(t.type(), Map.of());
        for (Map.Entry<String, Double> p : t.params().entrySet()) {
            String field = path + ".params." + p.getKey();
            if (!known.containsKey(p.getKey())) {
                out.add(new ConfigViolation(field, "unknown parameter of " + t.type() + "; known: " + known.keySet()));
            } else if (p.getValue() == null || !Double.isFinite(p.getValue())) {
                out.add(new ConfigViolation(field, "must be a finite number"));
            }
        }
        if ("weight-clipping".equals(t.type())) {
            Double clip = t.params().get("clip");
            if (clip != null && Double.isFinite(clip) && clip <= 0) {
                out.add(new ConfigViolation(path + ".params.clip", "must be > 0"));
            }
        }
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
            out.add(new ConfigViolation(field, "must be one of " + allowed.stream().sorted().toList()));
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
