package dev.gantry.job;

import java.util.List;
import java.util.Map;

/**
 * A GAN training job as a client describes it. Every field may be left out on submit;
 * {@link JobSpecDefaults} fills the gaps, and the stored spec is always complete, so a run can be
 * reproduced from it alone.
 */
public record JobSpec(
        String name,
        String dataset,
        Integer priority,
        Model model,
        Loss loss,
        Optimizers optimizer,
        Training training,
        Checkpoints checkpoints,
        Evaluation evaluation,
        Limits limits) {

    public record Model(String architecture, Integer latentDim, Integer hiddenUnits, Integer hiddenLayers) {}

    public record Loss(Adversarial adversarial, List<Term> terms) {}

    public record Adversarial(String type) {}

    public record Term(String type, Double weight, Map<String, Double> params) {}

    public record Optimizers(Optimizer generator, Optimizer discriminator) {}

    public record Optimizer(String type, Double learningRate, Double beta1, Double beta2) {}

    public record Training(Long steps, Integer batchSize, Integer discriminatorSteps, Long seed) {}

    public record Checkpoints(Long everySteps, Integer keepLast) {}

    public record Evaluation(Long everySteps, Integer samples) {}

    /** @param maxRuntimeSeconds wall-clock time a run may train before it fails with {@code MAX_RUNTIME} */
    public record Limits(Long maxRuntimeSeconds) {}
}
