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
        Data data,
        Integer priority,
        Model model,
        Loss loss,
        Optimizers optimizer,
        Training training,
        Checkpoints checkpoints,
        Evaluation evaluation,
        Limits limits) {

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

    /** @param labelSmoothing one-sided: the real target becomes 1 − labelSmoothing (minimax, non-saturating) */
    public record Adversarial(String type, Double labelSmoothing) {}

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

    public record Checkpoints(Long everySteps, Integer keepLast) {}

    public record Evaluation(Long everySteps, Integer samples) {}

    /** @param maxRuntimeSeconds wall-clock time a run may train before it fails with {@code MAX_RUNTIME} */
    public record Limits(Long maxRuntimeSeconds) {}
}
