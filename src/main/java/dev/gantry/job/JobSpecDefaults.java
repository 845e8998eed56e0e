package dev.gantry.job;

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

    private JobSpecDefaults() {}

    public static JobSpec complete(JobSpec spec, Duration defaultMaxRuntime) {
        JobSpec.Model m = or(spec.model(), new JobSpec.Model(null, null, null, null, null));
        JobSpec.Model model = new JobSpec.Model(
                or(m.architecture(), "mlp"),
                or(m.latentDim(), 2),
                or(m.hiddenUnits(), 256),
                or(m.hiddenLayers(), 3),
                or(m.spectralNorm(), false));

        JobSpec.Loss l = or(spec.loss(), new JobSpec.Loss(null, null));
        JobSpec.Adversarial a = or(l.adversarial(), new JobSpec.Adversarial(null, null));
        String adversarial = or(a.type(), "non-saturating");
        List<JobSpec.Term> terms = or(l.terms(), List.<JobSpec.Term>of()).stream()
                .map(t -> new JobSpec.Term(
                        t.type(), or(t.weight(), 1.0), or(t.adaptive(), false), or(t.params(), Map.of())))
                .toList();
        JobSpec.Loss loss = new JobSpec.Loss(new JobSpec.Adversarial(adversarial, or(a.labelSmoothing(), 0.0)), terms);

        JobSpec.Optimizers o = or(spec.optimizer(), new JobSpec.Optimizers(null, null));
        JobSpec.Optimizers optimizer = new JobSpec.Optimizers(optimizer(o.generator()), optimizer(o.discriminator()));

        JobSpec.Training t = or(spec.training(), new JobSpec.Training(null, null, null, null, null, null));
        long steps = or(t.steps(), 20_000L);
        JobSpec.Training training = new JobSpec.Training(
                steps,
                or(t.batchSize(), 256),
                or(t.discriminatorSteps(), 1),
                t.seed() != null ? t.seed() : SEEDS.nextLong(1L << 53),
                or(t.emaDecay(), 0.0),
                or(t.instanceNoise(), 0.0));

        JobSpec.Checkpoints c = or(spec.checkpoints(), new JobSpec.Checkpoints(null, null));
        JobSpec.Checkpoints checkpoints =
                new JobSpec.Checkpoints(Math.min(or(c.everySteps(), 2_000L), steps), or(c.keepLast(), 2));

        JobSpec.Evaluation e = or(spec.evaluation(), new JobSpec.Evaluation(null, null));
        JobSpec.Evaluation evaluation =
                new JobSpec.Evaluation(Math.min(or(e.everySteps(), 2_000L), steps), or(e.samples(), 2_500));

        String name = spec.name() != null ? spec.name() : spec.dataset() + "-" + adversarial;
        return new JobSpec(
                name,
                spec.dataset(),
                or(spec.priority(), 0),
                model,
                loss,
                optimizer,
                training,
                checkpoints,
                evaluation,
                limits(spec.limits(), defaultMaxRuntime));
    }

    private static JobSpec.Limits limits(JobSpec.Limits given, Duration defaultMaxRuntime) {
        Long maxRuntime = given == null ? null : given.maxRuntimeSeconds();
        return new JobSpec.Limits(or(maxRuntime, defaultMaxRuntime.toSeconds()));
    }

    private static JobSpec.Optimizer optimizer(JobSpec.Optimizer o) {
        JobSpec.Optimizer given = or(o, new JobSpec.Optimizer(null, null, null, null, null, null));
        return new JobSpec.Optimizer(
                or(given.type(), "adam"),
                or(given.learningRate(), 1e-4),
                or(given.beta1(), 0.5),
                or(given.beta2(), 0.9),
                or(given.schedule(), "constant"),
                or(given.decayStartStep(), 0L));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
