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
 * @param task generation, or super-resolution of the data's images
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
        AugmentConfig augment,
        TaskConfig task) {

    /** A generation task. */
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
            double instanceNoise,
            AugmentConfig augment) {
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
                augment,
                TaskConfig.GENERATION);
    }

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
        return toBuilder().steps(newSteps).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with some fields changed. */
    public static final class Builder {
        private DataConfig data;
        private ModelConfig model;
        private LossConfig loss;
        private OptimizerConfig generatorOptimizer;
        private OptimizerConfig discriminatorOptimizer;
        private int steps;
        private int batchSize;
        private int discriminatorSteps;
        private long seed;
        private int checkpointEverySteps;
        private int evaluationEverySteps;
        private int evaluationSamples;
        private int sampleEverySteps;
        private double emaDecay;
        private double instanceNoise;
        private AugmentConfig augment;
        private TaskConfig task;

        private Builder(TrainingConfig c) {
            data = c.data;
            model = c.model;
            loss = c.loss;
            generatorOptimizer = c.generatorOptimizer;
            discriminatorOptimizer = c.discriminatorOptimizer;
            steps = c.steps;
            batchSize = c.batchSize;
            discriminatorSteps = c.discriminatorSteps;
            seed = c.seed;
            checkpointEverySteps = c.checkpointEverySteps;
            evaluationEverySteps = c.evaluationEverySteps;
            evaluationSamples = c.evaluationSamples;
            sampleEverySteps = c.sampleEverySteps;
            emaDecay = c.emaDecay;
            instanceNoise = c.instanceNoise;
            augment = c.augment;
            task = c.task;
        }

        public Builder data(DataConfig value) {
            data = value;
            return this;
        }

        public Builder model(ModelConfig value) {
            model = value;
            return this;
        }

        public Builder loss(LossConfig value) {
            loss = value;
            return this;
        }

        /** Both networks' optimizers. */
        public Builder optimizers(OptimizerConfig value) {
            generatorOptimizer = value;
            discriminatorOptimizer = value;
            return this;
        }

        public Builder steps(int value) {
            steps = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder discriminatorSteps(int value) {
            discriminatorSteps = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder checkpointEverySteps(int value) {
            checkpointEverySteps = value;
            return this;
        }

        /** Evaluation metrics and samples alike, as the service sets them. */
        public Builder evaluationEverySteps(int value) {
            evaluationEverySteps = value;
            sampleEverySteps = value;
            return this;
        }

        public Builder emaDecay(double value) {
            emaDecay = value;
            return this;
        }

        public Builder augment(AugmentConfig value) {
            augment = value;
            return this;
        }

        public Builder task(TaskConfig value) {
            task = value;
            return this;
        }

        public TrainingConfig build() {
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
                    augment,
                    task);
        }
    }
}
