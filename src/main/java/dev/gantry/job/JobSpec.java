package dev.gantry.job;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A GAN training job as a client describes it. Every field may be left out on submit;
 * {@link JobSpecDefaults} fills the gaps, and the stored spec is always complete, so a run can be
 * reproduced from it alone.
 */
public record JobSpec(
        String name,
        String dataset,
        String task,
        SuperResolution superResolution,
        Data data,
        Integer priority,
        Model model,
        Loss loss,
        Optimizers optimizer,
        Training training,
        Checkpoints checkpoints,
        Evaluation evaluation,
        Limits limits,
        Resources resources,
        From from) {

    public JobSpec withModel(Model value) {
        return new JobSpec(
                name,
                dataset,
                task,
                superResolution,
                data,
                priority,
                value,
                loss,
                optimizer,
                training,
                checkpoints,
                evaluation,
                limits,
                resources,
                from);
    }

    public JobSpec withFrom(From value) {
        return new JobSpec(
                name,
                dataset,
                task,
                superResolution,
                data,
                priority,
                model,
                loss,
                optimizer,
                training,
                checkpoints,
                evaluation,
                limits,
                resources,
                value);
    }

    /**
     * The {@code super-resolution} task: the generator upscales the real image, area-downsampled by
     * {@code scale}, back to the data's resolution.
     *
     * @param inputNoise standard deviation of Gaussian noise added to the small image ([−1, 1] units)
     * @param validationImages the dataset's last images, held out for {@code eval/psnr} and {@code
     *     eval/ssim} (at most a fifth of the dataset)
     */
    public record SuperResolution(Integer scale, Double inputNoise, Integer validationImages) {}

    /**
     * What the networks see of an image dataset; absent for 2-D point sets.
     *
     * @param resolution images are center-cropped to a square and area-resized to this side
     * @param channels 1 (grayscale) or 3 (RGB), converted from the dataset's as needed
     */
    public record Data(Integer resolution, Integer channels) {}

    /**
     * @param hiddenUnits width of the {@code mlp}'s hidden layers
     * @param hiddenLayers depth of the {@code mlp}
     * @param width channel count unit of the convolutional architectures (DCGAN's ngf = ndf)
     * @param spectralNorm spectral normalization of every discriminator layer (Miyato et al. 2018)
     * @param conditional class-conditional networks, for labelled datasets
     * @param discriminatorNorm {@code batch} or {@code none}: normalization between D's layers
     */
    public record Model(
            String architecture,
            Integer latentDim,
            Integer hiddenUnits,
            Integer hiddenLayers,
            Integer width,
            Boolean spectralNorm,
            Boolean conditional,
            String discriminatorNorm) {}

    public record Loss(Adversarial adversarial, List<Term> terms) {}

    /**
     * @param weight λ_adv, the adversarial loss's weight in the generator's objective (1 unless
     *     given; the discriminator's loss is not weighted)
     * @param labelSmoothing one-sided: the real target becomes 1 − labelSmoothing (minimax, non-saturating)
     */
    public record Adversarial(String type, Double weight, Double labelSmoothing) {}

    /**
     * @param adaptive scale the term by the ratio of the adversarial loss's gradient norm to its own,
     *     times {@code weight} (TF-GAN's combine_adversarial_loss)
     * @param params by name: numbers, strings ({@code perceptual}'s {@code network}) or objects of
     *     names to numbers (its {@code layers}). Bound as JSON values of any type, so a value of the
     *     wrong type is reported by the loss catalog under the parameter's own path, with what it
     *     must be
     */
    public record Term(String type, Double weight, Boolean adaptive, Map<String, Object> params) {}

    public record Optimizers(Optimizer generator, Optimizer discriminator) {}

    /**
     * @param schedule {@code constant} or {@code linear}: constant until {@code decayStartStep},
     *     then down to 0 at the last step
     */
    public record Optimizer(
            String type, Double learningRate, Double beta1, Double beta2, String schedule, Long decayStartStep) {}

    /**
     * @param emaDecay generator weight averaging (0 = off); samples and evaluation use the average
     * @param instanceNoise standard deviation of Gaussian noise on the discriminator's inputs,
     *     annealed linearly to 0 over the run (0 = off)
     */
    public record Training(
            Long steps,
            Integer batchSize,
            Integer discriminatorSteps,
            Long seed,
            Double emaDecay,
            Double instanceNoise,
            Augment augment) {}

    /**
     * DiffAugment (Zhao et al. 2020) of every image the discriminator sees, optionally adaptive as
     * ADA (Karras et al. 2020). Images only.
     *
     * @param policy {@code color}, {@code translation}, {@code cutout}, in the order applied
     * @param adaptive apply each with a probability p driven toward {@code target} by E[sign D(real)]
     * @param interval discriminator updates between adjustments of p
     * @param kimg thousands of real images for p to move by 1
     */
    public record Augment(List<String> policy, Boolean adaptive, Double target, Integer interval, Double kimg) {}

    /**
     * @param keepLast the newest checkpoints kept
     * @param keepBest also keep the best checkpoints by an evaluation metric; absent: off
     */
    public record Checkpoints(Long everySteps, Integer keepLast, KeepBest keepBest) {}

    /**
     * The best {@code count} checkpoints by {@code metric}, kept beside the newest {@code keepLast}.
     *
     * @param metric an {@code eval/*} metric the job reports
     * @param goal {@code min} or {@code max}; defaults to the metric's own direction where it has one
     */
    public record KeepBest(String metric, String goal, Integer count) {}

    /**
     * @param samples N: samples generated per evaluation, and the most real ones compared against
     * @param featureNetwork id of an uploaded feature network: image jobs then also get
     *     {@code eval/fid}, {@code eval/kid}, {@code eval/precision}, {@code eval/recall}
     * @param featureOutput the network's output those take features at; {@code null}: the last one
     *     its descriptor lists
     */
    public record Evaluation(Long everySteps, Integer samples, String featureNetwork, String featureOutput) {}

    /** @param maxRuntimeSeconds wall-clock time a run may train before it fails with {@code MAX_RUNTIME} */
    public record Limits(Long maxRuntimeSeconds) {}

    /**
     * What the job needs of its worker.
     *
     * @param gpu only a worker with a GPU ({@code gantry.worker.device} {@code gpu}, or {@code auto}
     *     on a machine with one) may claim the job; it stays queued while none is up
     */
    public record Resources(Boolean gpu) {}

    /**
     * A fork: the run starts from another job's checkpoint, with this spec's loss, optimizers and
     * the rest; the networks and the optimizers' moments come from the checkpoint, and the step
     * count goes on from its step. The stored spec names the checkpoint's step, so the parent is
     * recorded exactly.
     *
     * @param job the parent job, of the same project, with the same model and data
     * @param step a step of one of its checkpoints, {@code "latest"} (the default) or {@code "best"}
     *     (by its {@code checkpoints.keepBest})
     */
    public record From(String job, JsonNode step) {}
}
