package dev.gantry.job;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TaskConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;

/**
 * Maps a complete job spec onto the training core's config, and the core's violations back onto
 * the spec's JSON paths. {@link TrainingCatalog#validate} is the one source of the training
 * rules; the API reports its findings under the names the client wrote.
 */
public final class TrainingConfigs {

    /** Training-config field → JSON path, for the fields whose names differ. */
    private static final Map<String, String> PATHS = Map.ofEntries(
            Map.entry("data.dataset", "dataset"),
            Map.entry("loss.adversarial", "loss.adversarial.type"),
            Map.entry("loss.adversarialWeight", "loss.adversarial.weight"),
            Map.entry("loss.labelSmoothing", "loss.adversarial.labelSmoothing"),
            Map.entry("generatorOptimizer", "optimizer.generator"),
            Map.entry("discriminatorOptimizer", "optimizer.discriminator"),
            Map.entry("steps", "training.steps"),
            Map.entry("batchSize", "training.batchSize"),
            Map.entry("discriminatorSteps", "training.discriminatorSteps"),
            Map.entry("seed", "training.seed"),
            Map.entry("emaDecay", "training.emaDecay"),
            Map.entry("instanceNoise", "training.instanceNoise"),
            Map.entry("augment", "training.augment"),
            Map.entry("task.type", "task"),
            Map.entry("task", "superResolution"),
            Map.entry("checkpointEverySteps", "checkpoints.everySteps"),
            Map.entry("evaluationEverySteps", "evaluation.everySteps"),
            Map.entry("sampleEverySteps", "evaluation.everySteps"),
            Map.entry("evaluationSamples", "evaluation.samples"));

    private TrainingConfigs() {}

    /**
     * The training config of a complete spec. Fields added after a spec was stored are absent
     * from it and take the value that reproduces the run as it was (off, constant).
     */
    public static TrainingConfig from(JobSpec spec) {
        JobSpec.Model model = spec.model();
        JobSpec.Data data = spec.data();
        JobSpec.Training training = spec.training();
        JobSpec.Adversarial adversarial = spec.loss().adversarial();
        int evaluationEvery = Math.toIntExact(spec.evaluation().everySteps());
        return new TrainingConfig(
                data == null
                        ? DataConfig.points(spec.dataset())
                        : new DataConfig(spec.dataset(), or(data.resolution(), 0), or(data.channels(), 0)),
                new ModelConfig(
                        model.architecture(),
                        model.latentDim(),
                        or(model.hiddenUnits(), 0),
                        or(model.hiddenLayers(), 0),
                        or(model.width(), 0),
                        or(model.spectralNorm(), false),
                        or(model.conditional(), false),
                        or(model.discriminatorNorm(), ModelConfig.NORM_NONE)),
                new LossConfig(
                        adversarial.type(),
                        or(adversarial.weight(), 1.0),
                        or(adversarial.labelSmoothing(), 0.0),
                        spec.loss().terms().stream()
                                .map(t -> new TermConfig(t.type(), t.weight(), or(t.adaptive(), false), t.params()))
                                .toList()),
                optimizer(spec.optimizer().generator()),
                optimizer(spec.optimizer().discriminator()),
                Math.toIntExact(training.steps()),
                training.batchSize(),
                training.discriminatorSteps(),
                training.seed(),
                Math.toIntExact(spec.checkpoints().everySteps()),
                evaluationEvery,
                spec.evaluation().samples(),
                evaluationEvery,
                or(training.emaDecay(), 0.0),
                or(training.instanceNoise(), 0.0),
                augment(training.augment()),
                task(spec));
    }

    /** What {@link TrainingCatalog#validate} finds wrong with a complete spec, under JSON paths. */
    static List<FieldError> violations(JobSpec spec, DataShape shape, Map<String, FeatureNetworkInfo> networks) {
        return TrainingCatalog.validate(from(spec), shape, networks).stream()
                .map(v -> new FieldError(jsonPath(v), v.message()))
                .distinct()
                .toList();
    }

    /** The longest mapped prefix wins: {@code task.type} is {@code task}, {@code task.scale} under {@code superResolution}. */
    private static String jsonPath(ConfigViolation violation) {
        String field = violation.field();
        String best = null;
        for (String from : PATHS.keySet()) {
            if ((field.equals(from) || field.startsWith(from + "."))
                    && (best == null || from.length() > best.length())) {
                best = from;
            }
        }
        return best == null ? field : PATHS.get(best) + field.substring(best.length());
    }

    private static TaskConfig task(JobSpec spec) {
        String type = or(spec.task(), TaskConfig.GENERATION_TYPE);
        JobSpec.SuperResolution sr = spec.superResolution();
        if (sr == null) {
            return new TaskConfig(type, 0, 0, 0);
        }
        return new TaskConfig(type, or(sr.scale(), 0), or(sr.inputNoise(), 0.0), or(sr.validationImages(), 0));
    }

    private static AugmentConfig augment(JobSpec.Augment a) {
        if (a == null) {
            return AugmentConfig.OFF;
        }
        AugmentConfig off = AugmentConfig.OFF;
        return new AugmentConfig(
                // A null entry stays, so the catalog reports it rather than this mapping failing.
                a.policy() == null
                        ? off.policy()
                        : a.policy().stream().map(String::valueOf).toList(),
                or(a.adaptive(), off.adaptive()),
                or(a.target(), off.target()),
                or(a.interval(), off.interval()),
                or(a.kimg(), off.kimg()));
    }

    private static OptimizerConfig optimizer(JobSpec.Optimizer o) {
        return new OptimizerConfig(
                o.type(),
                o.learningRate(),
                o.beta1(),
                o.beta2(),
                or(o.schedule(), "constant"),
                Math.toIntExact(or(o.decayStartStep(), 0L)));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
