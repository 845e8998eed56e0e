package dev.gantry.training;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.Architectures;
import dev.gantry.training.model.Network;
import java.util.List;

/** Draws samples from a trained generator, for serving: no gradient collector is involved. */
public final class GeneratorSampler {

    /** Generated samples: {@code shape[0]} samples, row-major. */
    public record Samples(float[] values, long[] shape, List<String> classNames, int[] labels) {}

    private GeneratorSampler() {}

    /**
     * Loads the generator of {@code checkpoint} into the model {@code config} describes and draws
     * {@code count} samples in evaluation mode; the same seed gives the same samples, and sample i
     * does not depend on {@code count}. When the checkpoint holds a moving average of the
     * generator, that is what samples, as in the run's own evaluations.
     *
     * @param classIndex for a conditional model, the class of every sample; {@code null} gives sample
     *     i class i mod classes
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     * @throws IllegalArgumentException when the class does not exist, or is given to an
     *     unconditional model
     */
    public static Samples sample(TrainingConfig config, byte[] checkpoint, int count, long seed, Integer classIndex) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        Checkpoint c = Checkpoint.decode(checkpoint);
        int classes = config.model().conditional() ? c.classNames().size() : 0;
        TrainingState.checkSignature(Architectures.signature(config.model(), config.data(), classes), c);
        int[] labels = labels(classes, count, classIndex);
        long[] sampleShape = config.data().sampleShape();
        int sampleSize = 1;
        for (long d : sampleShape) {
            sampleSize *= (int) d;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Network generator = Architectures.generator(config.model(), config.data(), classes, manager);
            try {
                generator.load(c.generatorEma().isEmpty() ? c.generator() : c.generatorEma());
            } catch (IllegalArgumentException e) {
                throw new InvalidCheckpointException(
                        "checkpoint does not fit the configured model: " + e.getMessage(), e);
            }
            float[] values = TrainingState.generate(
                    generator, config.model().latentDim(), sampleSize, count, seed, labels, manager);
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = count;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            return new Samples(values, shape, classes > 0 ? c.classNames() : List.of(), labels);
        }
    }

    private static int[] labels(int classes, int count, Integer classIndex) {
        if (classes == 0) {
            if (classIndex != null) {
                throw new IllegalArgumentException("the model is unconditional; it takes no class");
            }
            return null;
        }
        if (classIndex == null) {
            return GanTraining.gridLabels(count, classes);
        }
        if (classIndex < 0 || classIndex >= classes) {
            throw new IllegalArgumentException("class must be between 0 and " + (classes - 1) + ", got " + classIndex);
        }
        int[] labels = new int[count];
        java.util.Arrays.fill(labels, classIndex);
        return labels;
    }
}
