package dev.gantry.training;

import dev.gantry.training.augment.Augmentation;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TaskConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.SyntheticDatasets;
import dev.gantry.training.eval.ImageEvaluator;
import dev.gantry.training.eval.ModeSpread;
import dev.gantry.training.eval.SlicedWasserstein;
import dev.gantry.training.loss.LossCatalog;
import dev.gantry.training.loss.TermContext;
import dev.gantry.training.loss.TermDescriptor;
import dev.gantry.training.loss.TermParam;
import dev.gantry.training.model.Architectures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The names a {@link TrainingConfig} may use and the checks it must pass, public so the service's
 * validator can name bad fields without reaching into the training internals. Each part owns its
 * rules: {@link LossCatalog} the losses and terms, {@link Architectures} the networks; this class
 * adds the data, the optimizers, the run's numbers and the rules that span parts.
 */
public final class TrainingCatalog {

    public static final Set<String> OPTIMIZERS = Set.of("adam");
    public static final Set<String> SCHEDULES = Set.of(OptimizerConfig.CONSTANT, OptimizerConfig.LINEAR);

    public static final int DEFAULT_EVALUATION_SAMPLES = 2500;

    /** The image sides the networks can be built for. */
    public static final Set<Integer> RESOLUTIONS = Set.of(32, 64);

    private TrainingCatalog() {}

    /** An adversarial loss as clients see it. */
    public record LossInfo(String name, boolean labelSmoothing, String description) {}

    /**
     * A term's parameter as clients see it: the kind of JSON value, its default and the values it
     * takes.
     *
     * @param type {@code number}, {@code string} or {@code object} (names to numbers)
     * @param defaultValue a number or a string; absent when the parameter is required
     */
    public record ParamInfo(
            String name, String type, Object defaultValue, boolean required, String values, String description) {}

    /**
     * A term as clients see it.
     *
     * @param side {@code discriminator} or {@code generator}
     * @param constraint no loss, so no weight (it must be 1) and no curve
     */
    public record TermInfo(String name, String side, boolean constraint, List<ParamInfo> params, String description) {}

    public static List<LossInfo> lossInfo() {
        return LossCatalog.ADVERSARIAL.stream()
                .map(d -> new LossInfo(d.name(), d.labelSmoothing(), d.description()))
                .toList();
    }

    public static List<TermInfo> termInfo() {
        return LossCatalog.TERMS.stream()
                .map(d -> new TermInfo(
                        d.name(),
                        d.side().label(),
                        d.constraint(),
                        d.params().stream()
                                .map(p -> new ParamInfo(
                                        p.name(),
                                        switch (p.kind()) {
                                            case NUMBER -> "number";
                                            case TEXT -> "string";
                                            case WEIGHTS -> "object";
                                        },
                                        p.defaultValue(),
                                        p.required(),
                                        p.rule().text(),
                                        p.description()))
                                .toList(),
                        d.description()))
                .toList();
    }

    /** The augmentations a policy may name, in their usual order. */
    public static List<String> augmentations() {
        return Augmentation.NAMES;
    }

    public static List<String> adversarialLosses() {
        return LossCatalog.adversarialNames();
    }

    public static List<String> terms() {
        return LossCatalog.termNames();
    }

    public static List<String> architectures() {
        return Architectures.NAMES;
    }

    /** Resize modes a feature network's descriptor may name (PyTorch's interpolate modes). */
    public static final List<String> FEATURE_RESIZE = List.of("nearest", "bilinear", "bicubic", "area");

    /** Outputs a feature network may declare, at most. */
    public static final int MAX_FEATURE_OUTPUTS = 64;

    /** The side a feature network's descriptor may ask images to be resized to. */
    public static final int MIN_FEATURE_SIZE = 8;

    public static final int MAX_FEATURE_SIZE = 1024;

    private static final java.util.regex.Pattern FEATURE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final java.util.regex.Pattern OUTPUT_NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    /**
     * What is wrong with a feature network's descriptor, fields relative to it ({@code
     * input.channels}, {@code outputs[2]}); empty when it can be validated.
     */
    public static List<ConfigViolation> validateFeatureNetwork(FeatureNetworkDescriptor d) {
        List<ConfigViolation> out = new ArrayList<>();
        if (d.name() == null || !FEATURE_NAME.matcher(d.name()).matches()) {
            out.add(new ConfigViolation(
                    "name", "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        FeatureNetworkDescriptor.Input in = d.input();
        if (in == null) {
            out.add(new ConfigViolation("input", "is required: channels, range, mean, std (and size, resize)"));
        } else {
            Integer c = in.channels();
            boolean channels = c != null && (c == 1 || c == 3);
            if (!channels) {
                out.add(new ConfigViolation("input.channels", "must be 1 or 3"));
            }
            if (in.size() == null) {
                if (in.resize() != null) {
                    out.add(new ConfigViolation(
                            "input.resize",
                            "applies only with a size; without one images reach the network at their own size"));
                }
            } else {
                if (in.size() < MIN_FEATURE_SIZE || in.size() > MAX_FEATURE_SIZE) {
                    out.add(new ConfigViolation(
                            "input.size",
                            "must be between " + MIN_FEATURE_SIZE + " and " + MAX_FEATURE_SIZE
                                    + ", or absent for a network that takes any size"));
                }
                if (in.resize() == null || !FEATURE_RESIZE.contains(in.resize())) {
                    out.add(new ConfigViolation("input.resize", "must be one of " + FEATURE_RESIZE));
                }
            }
            List<Double> range = in.range();
            if (range == null || range.size() != 2 || !finite(range) || !(range.get(0) < range.get(1))) {
                out.add(new ConfigViolation(
                        "input.range", "must be [low, high], finite with low < high, e.g. [0, 1] or [0, 255]"));
            }
            perChannel(out, "input.mean", in.mean(), channels ? c : -1, false);
            perChannel(out, "input.std", in.std(), channels ? c : -1, true);
        }
        List<String> outputs = d.outputs();
        if (outputs == null || outputs.isEmpty() || outputs.size() > MAX_FEATURE_OUTPUTS) {
            out.add(new ConfigViolation("outputs", "must list 1 to " + MAX_FEATURE_OUTPUTS + " output names"));
        } else {
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < outputs.size(); i++) {
                String name = outputs.get(i);
                if (name == null || !OUTPUT_NAME.matcher(name).matches()) {
                    out.add(new ConfigViolation(
                            "outputs[" + i + "]",
                            "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or '_'"));
                } else if (!seen.add(name)) {
                    out.add(new ConfigViolation("outputs[" + i + "]", "is listed twice"));
                }
            }
        }
        return out;
    }

    /** The input sides a feature network is probed at: its size, or every resolution jobs train at. */
    public static List<Integer> featureProbeSides(FeatureNetworkDescriptor d) {
        Integer size = d.input().size();
        return size != null ? List.of(size) : RESOLUTIONS.stream().sorted().toList();
    }

    private static void perChannel(
            List<ConfigViolation> out, String field, List<Double> values, int channels, boolean positive) {
        if (values == null
                || (channels > 0 && values.size() != channels)
                || !finite(values)
                || (positive && values.stream().anyMatch(v -> !(v > 0)))) {
            out.add(new ConfigViolation(
                    field,
                    "must be " + (channels > 0 ? channels : "one per channel") + " finite number"
                            + (channels == 1 ? "" : "s") + (positive ? " > 0" : "")));
        }
    }

    private static boolean finite(List<Double> values) {
        return values.stream().allMatch(v -> v != null && Double.isFinite(v));
    }

    /**
     * The feature networks a config names (perceptual's {@code network}), in the order named; the
     * caller resolves them.
     */
    public static Set<String> featureNetworks(TrainingConfig c) {
        Set<String> ids = new java.util.LinkedHashSet<>();
        if (c.loss() == null) {
            return ids;
        }
        for (TermConfig t : c.loss().terms()) {
            if (t == null) {
                continue;
            }
            LossCatalog.term(t.type())
                    .ifPresent(d -> d.params().stream()
                            .filter(p -> p.rule() == TermParam.Rule.FEATURE_NETWORK)
                            .forEach(p -> {
                                if (t.params().get(p.name()) instanceof String id) {
                                    ids.add(id);
                                }
                            }));
        }
        return ids;
    }

    /** The parameters of a term that name a feature network; none for an unknown term. */
    public static List<String> featureNetworkParams(String term) {
        return LossCatalog.term(term)
                .map(d -> d.params().stream()
                        .filter(p -> p.rule() == TermParam.Rule.FEATURE_NETWORK)
                        .map(TermParam::name)
                        .toList())
                .orElse(List.of());
    }

    /** Whether the term penalizes D's input gradient (which batch normalization in D would mix). */
    public static boolean inputGradientTerm(String term) {
        return LossCatalog.term(term).map(TermDescriptor::inputGradient).orElse(false);
    }

    /** The built-in datasets' names. */
    public static List<String> builtInDatasets() {
        return BuiltInDatasets.all().stream().map(BuiltInDatasets.Info::name).toList();
    }

    /** What a built-in dataset holds, or empty when {@code name} is not one. */
    public static Optional<DataShape> builtInShape(String name) {
        return BuiltInDatasets.find(name)
                .map(i -> new DataShape(
                        i.kind() == BuiltInDatasets.Kind.IMAGES,
                        i.channels(),
                        i.height(),
                        i.width(),
                        i.classNames().size()));
    }

    /** Evaluation metrics where lower is better. */
    private static final Set<String> LOWER_IS_BETTER = Set.of(
            ImageEvaluator.FID,
            ImageEvaluator.KID,
            ImageEvaluator.KID_STD,
            ImageEvaluator.PIXEL_MEAN_GAP,
            ImageEvaluator.PIXEL_STD_GAP,
            SlicedWasserstein.METRIC);

    /** Evaluation metrics where higher is better. */
    private static final Set<String> HIGHER_IS_BETTER = Set.of(
            ImageEvaluator.PRECISION,
            ImageEvaluator.RECALL,
            "eval/modes",
            "eval/high-quality",
            "eval/psnr",
            "eval/ssim");

    /** What a super-resolution job reports beside the feature metrics. */
    private static final List<String> SUPER_RESOLUTION_METRICS =
            List.of("eval/psnr", "eval/ssim", "eval/psnr-bicubic", "eval/ssim-bicubic");

    /**
     * The {@code eval/*} metrics a job reports: on points the sliced Wasserstein distance, with
     * PacGAN's mode coverage and the within-mode spread on the 2-D mixtures; the
     * pixel statistics on images, and with a feature network FID, KID and precision/recall.
     *
     * @param dataset the spec's dataset (a built-in name matters for points)
     * @param superResolution PSNR and SSIM against the held-out originals, and bicubic's, instead
     *     of the pixel statistics
     */
    public static List<String> evaluationMetrics(
            String dataset, DataShape shape, boolean featureNetwork, boolean superResolution) {
        if (superResolution) {
            return featureNetwork
                    ? Stream.concat(SUPER_RESOLUTION_METRICS.stream(), ImageEvaluator.FEATURE_METRICS.stream())
                            .toList()
                    : SUPER_RESOLUTION_METRICS;
        }
        if (shape.images()) {
            return ImageEvaluator.metricNames(featureNetwork);
        }
        boolean modes = BuiltInDatasets.find(dataset).isPresent()
                && !SyntheticDatasets.byName(dataset).modes().isEmpty();
        return modes
                ? List.of("eval/modes", "eval/high-quality", ModeSpread.METRIC, SlicedWasserstein.METRIC)
                : List.of(SlicedWasserstein.METRIC);
    }

    /** Every evaluation metric with a direction, by name: {@code min} or {@code max}. */
    public static Map<String, String> metricGoals() {
        Map<String, String> goals = new TreeMap<>();
        LOWER_IS_BETTER.forEach(metric -> goals.put(metric, "min"));
        HIGHER_IS_BETTER.forEach(metric -> goals.put(metric, "max"));
        return goals;
    }

    /** {@code min} or {@code max} for a metric with a direction; empty for one without (pixel mean). */
    public static Optional<String> metricGoal(String metric) {
        if (LOWER_IS_BETTER.contains(metric)) {
            return Optional.of("min");
        }
        return HIGHER_IS_BETTER.contains(metric) ? Optional.of("max") : Optional.empty();
    }

    /** All violations of a config on a built-in dataset, empty when it can be run. */
    public static List<ConfigViolation> validate(TrainingConfig c) {
        Optional<DataShape> shape = c.data() == null ? Optional.empty() : builtInShape(c.dataset());
        if (shape.isPresent()) {
            return validate(c, shape.get());
        }
        // Check the rest as well, assuming the kind of data the config asks for.
        boolean images = c.data() != null && c.data().images();
        DataShape assumed = images ? new DataShape(true, c.data().channels(), 0, 0, 0) : DataShape.POINTS;
        List<ConfigViolation> out = new ArrayList<>();
        out.add(new ConfigViolation("data.dataset", "must be one of " + sorted(builtInDatasets())));
        out.addAll(validate(c, assumed));
        return out;
    }

    /** All violations of a config on data of this shape, empty when it can be run; it names no feature network. */
    public static List<ConfigViolation> validate(TrainingConfig c, DataShape shape) {
        return validate(c, shape, Map.of());
    }

    /**
     * All violations of a config on data of this shape, empty when it can be run.
     *
     * @param networks the READY feature networks it may name, by id
     */
    public static List<ConfigViolation> validate(
            TrainingConfig c, DataShape shape, Map<String, FeatureNetworkInfo> networks) {
        List<ConfigViolation> out = new ArrayList<>();
        DataConfig data = c.data();
        if (data == null) {
            out.add(new ConfigViolation("data", "is required"));
            return out;
        }
        data(out, data, shape);
        ModelConfig m = c.model();
        int featureLayers = 0;
        if (m == null) {
            out.add(new ConfigViolation("model", "is required"));
        } else {
            List<ConfigViolation> model = Architectures.validate(m, data);
            out.addAll(model);
            if (model.isEmpty()) {
                featureLayers = Architectures.discriminatorFeatureLayers(m, data);
            }
            if (m.conditional() && shape.classes() < 2) {
                out.add(new ConfigViolation(
                        "model.conditional",
                        "needs a dataset with at least 2 labelled classes; " + c.dataset() + " has "
                                + shape.classes()));
            }
        }
        LossConfig loss = c.loss();
        if (loss == null) {
            out.add(new ConfigViolation("loss", "is required"));
        } else {
            out.addAll(LossCatalog.validate(loss, new TermContext(featureLayers, data, networks)));
            if (m != null && m.discriminatorBatchNorm()) {
                inputGradientsWithBatchNorm(out, loss);
            }
        }
        optimizer(out, "generatorOptimizer", c.generatorOptimizer(), c.steps());
        optimizer(out, "discriminatorOptimizer", c.discriminatorOptimizer(), c.steps());
        range(out, "steps", c.steps(), 1, Integer.MAX_VALUE);
        range(out, "batchSize", c.batchSize(), 1, 65536);
        if (m != null && m.discriminatorBatchNorm() && c.batchSize() < 2) {
            out.add(new ConfigViolation("batchSize", "batch normalization needs batches of at least 2"));
        }
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
        augment(out, c.augment(), data, shape);
        task(out, c.task(), m, shape);
        return out;
    }

    /** The tasks a spec may name. */
    public static final List<String> TASKS = List.of(TaskConfig.GENERATION_TYPE, TaskConfig.SUPER_RESOLUTION_TYPE);

    /** Upscaling factors of super-resolution. */
    public static final Set<Integer> SCALES = Set.of(2, 4);

    private static void task(List<ConfigViolation> out, TaskConfig t, ModelConfig model, DataShape shape) {
        if (t == null) {
            out.add(new ConfigViolation("task", "is required"));
            return;
        }
        boolean srModel = model != null && Architectures.SRRESNET.equals(model.architecture());
        if (!TASKS.contains(t.type())) {
            out.add(new ConfigViolation("task.type", "must be one of " + TASKS));
            return;
        }
        if (!t.superResolution()) {
            if (t.scale() != 0 || t.inputNoise() != 0 || t.validationImages() != 0) {
                out.add(new ConfigViolation("task", "applies to task super-resolution only"));
            }
            if (srModel) {
                out.add(new ConfigViolation(
                        "model.architecture", "srresnet upscales images; it needs task super-resolution"));
            }
            return;
        }
        if (!shape.images()) {
            out.add(new ConfigViolation("task.type", "super-resolution needs an image dataset"));
        }
        if (model != null && !srModel) {
            out.add(new ConfigViolation(
                    "model.architecture", "super-resolution needs a generator that takes an image: srresnet"));
        }
        if (!SCALES.contains(t.scale())) {
            out.add(new ConfigViolation("task.scale", "must be one of " + sorted(SCALES)));
        }
        if (!(t.inputNoise() >= 0 && t.inputNoise() <= 1)) {
            out.add(new ConfigViolation("task.inputNoise", "must be between 0 and 1"));
        }
        range(out, "task.validationImages", t.validationImages(), 1, 10_000);
    }

    private static void augment(List<ConfigViolation> out, AugmentConfig a, DataConfig data, DataShape shape) {
        if (a == null) {
            out.add(new ConfigViolation("augment", "is required"));
            return;
        }
        if (!a.isOn()) {
            if (a.adaptive()) {
                out.add(new ConfigViolation("augment.adaptive", "adapts the probability of a policy; set a policy"));
            }
            return;
        }
        if (!shape.images()) {
            out.add(new ConfigViolation(
                    "augment.policy", "augmentations apply to images; " + data.dataset() + " holds 2-D points"));
            return;
        }
        try {
            Augmentation.parse(String.join(",", a.policy()));
        } catch (IllegalArgumentException e) {
            out.add(new ConfigViolation("augment.policy", e.getMessage()));
        }
        if (a.adaptive()) {
            if (!(a.target() > 0 && a.target() < 1)) {
                out.add(new ConfigViolation("augment.target", "must be in (0, 1); ADA uses 0.6"));
            }
            range(out, "augment.interval", a.interval(), 1, 10_000);
            if (!(a.kimg() > 0 && a.kimg() <= 1e6)) {
                out.add(new ConfigViolation("augment.kimg", "must be in (0, 1000000]; ADA uses 500"));
            }
        }
    }

    private static void data(List<ConfigViolation> out, DataConfig data, DataShape shape) {
        if (!shape.images()) {
            if (data.resolution() != 0) {
                out.add(new ConfigViolation("data.resolution", data.dataset() + " holds 2-D points, not images"));
            }
            if (data.channels() != 0) {
                out.add(new ConfigViolation("data.channels", data.dataset() + " holds 2-D points, not images"));
            }
            return;
        }
        if (!RESOLUTIONS.contains(data.resolution())) {
            out.add(new ConfigViolation("data.resolution", "must be one of " + sorted(RESOLUTIONS)));
        }
        if (data.channels() != 1 && data.channels() != 3) {
            out.add(new ConfigViolation("data.channels", "must be 1 (grayscale) or 3 (RGB)"));
        }
    }

    /** A penalty on per-sample input gradients is wrong when D mixes the batch. */
    private static void inputGradientsWithBatchNorm(List<ConfigViolation> out, LossConfig loss) {
        for (int i = 0; i < loss.terms().size(); i++) {
            TermConfig t = loss.terms().get(i);
            if (t != null
                    && LossCatalog.term(t.type())
                            .map(TermDescriptor::inputGradient)
                            .orElse(false)) {
                out.add(new ConfigViolation(
                        "model.discriminatorNorm",
                        t.type() + " penalizes D's gradient per sample, which batch normalization in D mixes across"
                                + " the batch (Gulrajani et al. 2017 drop it for this reason); use \"none\""));
                return;
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
        if (OptimizerConfig.CONSTANT.equals(o.schedule())) {
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

    private static List<String> sorted(java.util.Collection<?> values) {
        return values.stream().map(String::valueOf).sorted().toList();
    }

    private static void range(List<ConfigViolation> out, String field, long value, long min, long max) {
        if (value < min || value > max) {
            out.add(new ConfigViolation(field, "must be between " + min + " and " + max));
        }
    }
}
