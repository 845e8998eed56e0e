package dev.gantry.training.config;

/**
 * Everything a training run depends on; the only input of {@code GanTraining.run}. The service
 * maps its JSON job spec into this record, so two runs with equal configs (and equal resume
 * checkpoints) produce bitwise-equal losses.
 *
 * <p>Cadences: a value of {@code 0} means "only at the end of the run". Evaluation metrics are
 * computed every {@code evaluationEverySteps}, the sample PNG is rendered every {@code
 * sampleEverySteps}; both are delivered through {@code TrainingListener.onEvaluation} (the part
 * that is not due is an empty map or {@code null}). At the last step everything is delivered.
 *
 * @param data the dataset and the shape the networks see
 * @param steps number of generator updates; step numbers run from 1 to {@code steps}
 * @param batchSize real and fake samples per update
 * @param discriminatorSteps discriminator updates per generator update
 * @param seed the only source of randomness of the run
 * @param evaluationSamples generated points per evaluation (PacGAN uses 2500)
 * @param emaDecay β of an exponential moving average of the generator ({@code GeneratorEma}),
 *     which samples and evaluation then use; {@code 0} is off, else in (0, 1), typically 0.999
 * @param instanceNoise σ₀ of Gaussian noise on every discriminator input, annealed linearly to
 *     0 over the run ({@code InstanceNoise}); {@code 0} is off
 * @param augment augmentation of D's images; {@link AugmentConfig#OFF} for points
 */
public record TrainingConfig(
        DataConfig data,
        ModelConfig model,
        LossConfig loss,
        OptimizerConfig generatorOptimizer,
        OptimizerConfig discriminatorOptimizer,
        int steps,
        int batchSize,
        int discriminatorSteps,
        long seed,
        int checkpointEverySteps,
        int evaluationEverySteps,
        int evaluationSamples,
        int sampleEverySteps,
        double emaDecay,
        double instanceNoise,
        AugmentConfig augment) {

    /** Without augmentation. */
    public TrainingConfig(
            DataConfig data,
            ModelConfig model,
            LossConfig loss,
            OptimizerConfig generatorOptimizer,
            OptimizerConfig discriminatorOptimizer,
            int steps,
            int batchSize,
            int discriminatorSteps,
            long seed,
            int checkpointEverySteps,
            int evaluationEverySteps,
            int evaluationSamples,
            int sampleEverySteps,
            double emaDecay,
            double instanceNoise) {
        this(
                data,
                model,
                loss,
                generatorOptimizer,
                discriminatorOptimizer,
                steps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                AugmentConfig.OFF);
    }

    public String dataset() {
        return data.dataset();
    }

    public TrainingConfig withSteps(int newSteps) {
        return new TrainingConfig(
                data,
                model,
                loss,
                generatorOptimizer,
                discriminatorOptimizer,
                newSteps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                augment);
    }

    public TrainingConfig withData(DataConfig newData) {
        return new TrainingConfig(
                newData,
                model,
                loss,
                generatorOptimizer,
                discriminatorOptimizer,
                steps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                augment);
    }

    public TrainingConfig withModel(ModelConfig newModel) {
        return new TrainingConfig(
                data,
                newModel,
                loss,
                generatorOptimizer,
                discriminatorOptimizer,
                steps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                augment);
    }

    public TrainingConfig withLoss(LossConfig newLoss) {
        return new TrainingConfig(
                data,
                model,
                newLoss,
                generatorOptimizer,
                discriminatorOptimizer,
                steps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                augment);
    }

    public TrainingConfig withAugment(AugmentConfig newAugment) {
        return new TrainingConfig(
                data,
                model,
                loss,
                generatorOptimizer,
                discriminatorOptimizer,
                steps,
                batchSize,
                discriminatorSteps,
                seed,
                checkpointEverySteps,
                evaluationEverySteps,
                evaluationSamples,
                sampleEverySteps,
                emaDecay,
                instanceNoise,
                newAugment);
    }
}
