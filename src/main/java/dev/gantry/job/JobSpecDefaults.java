package dev.gantry.job;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.TaskConfig;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fills what a client left out. The result is stored with the job, so the run is fully described
 * by its spec: a seed left out is drawn here, once, and kept.
 */
public final class JobSpecDefaults {

    private static final SecureRandom SEEDS = new SecureRandom();

    /** β of the generator's moving average for 2-D jobs (bench/training/defaults.md). */
    static final double POINTS_EMA_DECAY = 0.99;

    /** The side images are trained at unless the spec says otherwise. */
    public static final int DEFAULT_RESOLUTION = 32;

    /** Held-out images of a super-resolution job unless the spec says otherwise. */
    public static final int DEFAULT_VALIDATION_IMAGES = 256;

    private JobSpecDefaults() {}

    /**
     * Every 2000 steps unless given, at most once per run. Never below 1: a bad
     * {@code training.steps} is the validator's to report, not a reason for a bad default.
     */
    private static long cadence(Long everySteps, long steps) {
        return Math.max(1, Math.min(or(everySteps, 2_000L), steps));
    }

    /**
     * @param shape what the spec's dataset holds: the defaults of data and model follow from it
     *     (an MLP for points, a DCGAN at the dataset's channels and 32 × 32 for images)
     */
    public static JobSpec complete(JobSpec spec, Duration defaultMaxRuntime, DataShape shape) {
        JobSpec.Loss l = or(spec.loss(), new JobSpec.Loss(null, null));
        JobSpec.Adversarial a = or(l.adversarial(), new JobSpec.Adversarial(null, null, null));
        String adversarial = or(a.type(), "non-saturating");
        LossSetting setting = shape.images() ? LossSetting.IMAGES : LossSetting.points(adversarial);
        List<JobSpec.Term> terms = or(l.terms(), setting.terms()).stream()
                .map(t -> new JobSpec.Term(t.type(), or(t.weight(), 1.0), or(t.adaptive(), false), params(t.params())))
                .toList();
        JobSpec.Loss loss = new JobSpec.Loss(
                new JobSpec.Adversarial(adversarial, or(a.weight(), 1.0), or(a.labelSmoothing(), 0.0)), terms);

        JobSpec.Training t = or(spec.training(), new JobSpec.Training(null, null, null, null, null, null, null));
        long steps = or(t.steps(), 20_000L);

        JobSpec.Optimizers o = or(spec.optimizer(), new JobSpec.Optimizers(null, null));
        JobSpec.Optimizers optimizer = new JobSpec.Optimizers(
                optimizer(o.generator(), shape, setting, steps), optimizer(o.discriminator(), shape, setting, steps));

        JobSpec.Training training = new JobSpec.Training(
                steps,
                // DCGAN's batch for images; PacGAN's experiments used larger ones for points.
                or(t.batchSize(), shape.images() ? 64 : 256),
                or(t.discriminatorSteps(), setting.discriminatorSteps()),
                t.seed() != null ? t.seed() : SEEDS.nextLong(1L << 53),
                or(t.emaDecay(), shape.images() ? 0.0 : POINTS_EMA_DECAY),
                or(t.instanceNoise(), 0.0),
                shape.images() ? augment(t.augment()) : t.augment());

        JobSpec.Checkpoints c = or(spec.checkpoints(), new JobSpec.Checkpoints(null, null, null));
        JobSpec.Checkpoints checkpoints =
                new JobSpec.Checkpoints(cadence(c.everySteps(), steps), or(c.keepLast(), 2), keepBest(c.keepBest()));

        JobSpec.Evaluation e = or(spec.evaluation(), new JobSpec.Evaluation(null, null, null, null));
        JobSpec.Evaluation evaluation = new JobSpec.Evaluation(
                cadence(e.everySteps(), steps), or(e.samples(), 2_500), e.featureNetwork(), e.featureOutput());

        JobSpec.Data data = shape.images() ? data(spec.data(), shape) : spec.data();
        String task = or(spec.task(), TaskConfig.GENERATION_TYPE);
        boolean superResolution = task.equals(TaskConfig.SUPER_RESOLUTION_TYPE);
        JobSpec.Model model = model(spec.model(), shape, loss, setting, superResolution);

        String name = spec.name() != null ? spec.name() : spec.dataset() + "-" + adversarial;
        return new JobSpec(
                name,
                spec.dataset(),
                task,
                superResolution ? superResolution(spec.superResolution()) : spec.superResolution(),
                data,
                or(spec.priority(), 0),
                model,
                loss,
                optimizer,
                training,
                checkpoints,
                evaluation,
                limits(spec.limits(), defaultMaxRuntime),
                new JobSpec.Resources(spec.resources() != null
                        && Boolean.TRUE.equals(spec.resources().gpu())),
                spec.from());
    }

    private static JobSpec.KeepBest keepBest(JobSpec.KeepBest given) {
        if (given == null) {
            return null;
        }
        String goal = given.goal() != null
                ? given.goal()
                : TrainingCatalog.metricGoal(given.metric()).orElse(null);
        return new JobSpec.KeepBest(given.metric(), goal, or(given.count(), 1));
    }

    private static JobSpec.Augment augment(JobSpec.Augment given) {
        JobSpec.Augment a = or(given, new JobSpec.Augment(null, null, null, null, null));
        AugmentConfig off = AugmentConfig.OFF;
        return new JobSpec.Augment(
                or(a.policy(), off.policy()),
                or(a.adaptive(), off.adaptive()),
                or(a.target(), off.target()),
                or(a.interval(), off.interval()),
                or(a.kimg(), off.kimg()));
    }

    private static JobSpec.SuperResolution superResolution(JobSpec.SuperResolution given) {
        JobSpec.SuperResolution sr = or(given, new JobSpec.SuperResolution(null, null, null));
        return new JobSpec.SuperResolution(
                or(sr.scale(), 4), or(sr.inputNoise(), 0.0), or(sr.validationImages(), DEFAULT_VALIDATION_IMAGES));
    }

    private static JobSpec.Data data(JobSpec.Data given, DataShape shape) {
        JobSpec.Data d = or(given, new JobSpec.Data(null, null));
        return new JobSpec.Data(or(d.resolution(), DEFAULT_RESOLUTION), or(d.channels(), shape.channels()));
    }

    /**
     * Fields that do not apply to the architecture stay absent (and are refused when given). D's
     * batch normalization defaults on for a DCGAN but off where it would be wrong or redundant:
     * beside a gradient penalty, which needs per-sample gradients, and beside spectral norm
     * (SN-DCGAN has none).
     */
    private static JobSpec.Model model(
            JobSpec.Model given, DataShape shape, JobSpec.Loss loss, LossSetting setting, boolean superResolution) {
        JobSpec.Model m = or(given, new JobSpec.Model(null, null, null, null, null, null, null, null));
        String architecture = or(m.architecture(), superResolution ? "srresnet" : shape.images() ? "dcgan" : "mlp");
        if (architecture.equals("srresnet")) {
            return srresnet(m, loss);
        }
        // resnet is SNGAN: its discriminator is always spectrally normalized (Architectures.validate).
        boolean mlp = architecture.equals("mlp");
        boolean spectralNorm = or(m.spectralNorm(), architecture.equals("resnet") || mlp && setting.spectralNorm());
        String norm = m.discriminatorNorm();
        if (norm == null) {
            boolean penalty = loss.terms().stream().anyMatch(t -> TrainingCatalog.inputGradientTerm(t.type()));
            norm = architecture.equals("dcgan") && !spectralNorm && !penalty ? "batch" : "none";
        }
        return new JobSpec.Model(
                architecture,
                or(m.latentDim(), mlp ? 2 : architecture.equals("dcgan") ? 100 : 128),
                mlp ? or(m.hiddenUnits(), 128) : m.hiddenUnits(),
                mlp ? or(m.hiddenLayers(), 3) : m.hiddenLayers(),
                mlp ? m.width() : or(m.width(), 64),
                spectralNorm,
                or(m.conditional(), false),
                norm);
    }

    /** SRGAN's generator, 8 residual blocks of 64 channels, on the DCGAN discriminator. */
    private static JobSpec.Model srresnet(JobSpec.Model m, JobSpec.Loss loss) {
        boolean spectralNorm = or(m.spectralNorm(), false);
        String norm = m.discriminatorNorm();
        if (norm == null) {
            boolean penalty = loss.terms().stream().anyMatch(t -> TrainingCatalog.inputGradientTerm(t.type()));
            norm = !spectralNorm && !penalty ? "batch" : "none";
        }
        return new JobSpec.Model(
                "srresnet",
                or(m.latentDim(), 0),
                m.hiddenUnits(),
                or(m.hiddenLayers(), 8),
                or(m.width(), 64),
                spectralNorm,
                or(m.conditional(), false),
                norm);
    }

    private static JobSpec.Limits limits(JobSpec.Limits given, Duration defaultMaxRuntime) {
        Long maxRuntime = given == null ? null : given.maxRuntimeSeconds();
        return new JobSpec.Limits(or(maxRuntime, defaultMaxRuntime.toSeconds()));
    }

    /**
     * Adam (0.5, 0.999) for points, at the loss's rate, constant for the first half of the run,
     * then linear to 0. Images keep DCGAN-style Adam 1e-4 (0.5, 0.9) at a constant rate. A linear
     * schedule without a start decays over the second half.
     */
    private static JobSpec.Optimizer optimizer(JobSpec.Optimizer o, DataShape shape, LossSetting setting, long steps) {
        JobSpec.Optimizer given = or(o, new JobSpec.Optimizer(null, null, null, null, null, null));
        String schedule = or(given.schedule(), shape.images() ? "constant" : "linear");
        return new JobSpec.Optimizer(
                or(given.type(), "adam"),
                or(given.learningRate(), setting.learningRate()),
                or(given.beta1(), 0.5),
                or(given.beta2(), shape.images() ? 0.9 : 0.999),
                schedule,
                or(given.decayStartStep(), schedule.equals("linear") ? steps / 2 : 0L));
    }

    /**
     * What follows from the adversarial loss when the spec leaves it out: its regularizer ({@code
     * "terms": []} asks for none), the discriminator steps per generator step, both learning rates
     * and spectral norm on an MLP discriminator. For points each loss has the setting it was swept
     * to (bench/training/quality-losses.md, defaults.md): R1 (γ = 1) beside every loss but two;
     * WGAN-GP with λ = 0.1, five critic steps at 2e-3; hinge with spectral norm, five D steps at
     * 1e-3. Images have one setting, DCGAN's, for every loss.
     */
    private record LossSetting(
            List<JobSpec.Term> terms, int discriminatorSteps, double learningRate, boolean spectralNorm) {

        static final LossSetting IMAGES = new LossSetting(List.of(), 1, 1e-4, false);

        static LossSetting points(String adversarial) {
            return switch (adversarial) {
                case "wasserstein" ->
                    new LossSetting(
                            List.of(new JobSpec.Term("gradient-penalty", 0.1, false, Map.of())), 5, 2e-3, false);
                case "hinge" -> new LossSetting(List.of(), 5, 1e-3, true);
                default -> new LossSetting(List.of(new JobSpec.Term("r1", 1.0, false, Map.of())), 1, 5e-4, false);
            };
        }
    }

    /**
     * Numbers as doubles, as the training config reads them, so the stored spec says {@code 1.0}
     * whether the client wrote {@code 1} or {@code 1.0}; everything else as given.
     */
    private static Map<String, Object> params(Map<String, Object> given) {
        if (given == null) {
            return Map.of();
        }
        return new dev.gantry.training.config.TermConfig("", 0, false, given).params();
    }

    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
