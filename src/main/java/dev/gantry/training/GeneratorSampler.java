package dev.gantry.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.SyntheticDataset;
import dev.gantry.training.data.SyntheticDatasets;
import dev.gantry.training.eval.ImageGrid;
import dev.gantry.training.eval.ScatterPlot;
import dev.gantry.training.model.Architectures;
import dev.gantry.training.model.Network;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trained generator loaded for serving: draws samples in evaluation mode, with no gradient
 * collector involved. It owns libtorch memory until {@link #close()}; load it once and draw many
 * times (the generation process keeps a few loaded).
 */
public final class GeneratorSampler implements AutoCloseable {

    /** Generated samples: {@code shape[0]} samples, row-major. */
    public record Samples(float[] values, long[] shape, List<String> classNames, int[] labels) {}

    private final TrainingConfig config;
    private final NDManager manager;
    private final Network generator;
    private final List<String> classNames;
    private final boolean ema;
    private final long step;
    private final int sampleSize;

    private GeneratorSampler(
            TrainingConfig config, NDManager manager, Network generator, Checkpoint checkpoint, int classes) {
        this.config = config;
        this.manager = manager;
        this.generator = generator;
        this.classNames = classes > 0 ? checkpoint.classNames() : List.of();
        this.ema = !checkpoint.generatorEma().isEmpty();
        this.step = checkpoint.step();
        int size = 1;
        for (long d : config.data().sampleShape()) {
            size *= (int) d;
        }
        this.sampleSize = size;
    }

    /**
     * Loads the generator of {@code checkpoint} into the model {@code config} describes. When the
     * checkpoint holds a moving average of the generator, that is what samples, as in the run's
     * own evaluations.
     *
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     */
    public static GeneratorSampler load(TrainingConfig config, byte[] checkpoint) {
        Checkpoint c = Checkpoint.decode(checkpoint);
        int classes = config.model().conditional() ? c.classNames().size() : 0;
        TrainingState.checkSignature(Architectures.signature(config.model(), config.data(), config.task(), classes), c);
        NDManager manager = NDManager.newBaseManager();
        try {
            Network generator = Architectures.generator(config.model(), config.data(), config.task(), classes, manager);
            generator.load(c.generatorEma().isEmpty() ? c.generator() : c.generatorEma());
            return new GeneratorSampler(config, manager, generator, c, classes);
        } catch (IllegalArgumentException e) {
            manager.close();
            throw new InvalidCheckpointException("checkpoint does not fit the configured model: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads, draws once and frees: {@link #load} then {@link #sample}.
     *
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     */
    public static Samples sample(TrainingConfig config, byte[] checkpoint, int count, long seed, Integer classIndex) {
        try (GeneratorSampler sampler = load(config, checkpoint)) {
            return sampler.sample(count, seed, classIndex);
        }
    }

    /**
     * Draws {@code count} samples; the same seed gives the same samples, and sample i does not
     * depend on {@code count}: latents are drawn in one sequence from {@code seed}, N(0, 1) floats
     * from {@link SplittableRandom#nextGaussian()}, row-major {@code count × latentDim}.
     *
     * @param classIndex for a conditional model, the class of every sample; {@code null} gives sample
     *     i class i mod classes
     * @throws IllegalArgumentException when the class does not exist, or is given to an
     *     unconditional model
     */
    public Samples sample(int count, long seed, Integer classIndex) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        int[] labels = labels(classNames.size(), count, classIndex);
        float[] values =
                TrainingState.generate(generator, config.model().latentDim(), sampleSize, count, seed, labels, manager);
        long[] sampleShape = config.data().sampleShape();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return new Samples(values, shape, classNames, labels);
    }

    /**
     * A super-resolution generator's outputs for low-resolution images, in evaluation mode: input
     * {@code (n, C, h, w)} in [−1, 1], any h and w (the network is fully convolutional), output
     * {@code (n, C, h·scale, w·scale)}.
     *
     * @throws IllegalArgumentException for a generator that is not a super-resolution one, or
     *     input of another channel count
     */
    public Samples upscale(float[] inputs, long[] shape) {
        if (!config.task().superResolution()) {
            throw new IllegalArgumentException("the job's generator draws from latents; it upscales no image");
        }
        if (shape.length != 4 || shape[1] != config.data().channels()) {
            throw new IllegalArgumentException(
                    "input must be (n, " + config.data().channels() + ", h, w)");
        }
        int scale = config.task().scale();
        long[] out = {shape[0], shape[1], shape[2] * scale, shape[3] * scale};
        boolean wasTraining = generator.isTraining();
        generator.setTrainable(false);
        generator.setTraining(false);
        try (NDManager s = manager.newSubManager()) {
            float[] values =
                    generator.forward(s.create(inputs, new Shape(shape))).toFloatArray();
            return new Samples(values, out, List.of(), null);
        } finally {
            generator.setTraining(wasTraining);
        }
    }

    /** One image as a PNG of its own size, no grid around it: an upscaled input. */
    public byte[] imagePng(Samples samples) {
        long[] s = samples.shape();
        if (s[0] != 1 || s.length != 4) {
            throw new IllegalArgumentException("one image expected, got shape " + Arrays.toString(s));
        }
        return ImageGrid.png(samples.values(), 1, (int) s[1], (int) s[2], (int) s[3], 1, 0);
    }

    /**
     * Samples as the run's own sample images show them: images in a grid of {@value
     * GanTraining#GRID_SIDE} columns, 2-D points over the real data and its modes.
     */
    public byte[] png(Samples samples) {
        int count = (int) samples.shape()[0];
        if (config.data().images()) {
            long[] s = samples.shape();
            return ImageGrid.png(samples.values(), count, (int) s[1], (int) s[2], (int) s[3], GanTraining.GRID_SIDE);
        }
        SyntheticDataset dataset = SyntheticDatasets.byName(config.dataset());
        // The real points the run's own plots show, from the same seed.
        float[] real = new float[GanTraining.PLOT_REAL_POINTS * 2];
        dataset.sample(
                new SplittableRandom(StepSeeds.of(config.seed(), 0, StepSeeds.REAL_PLOT)),
                GanTraining.PLOT_REAL_POINTS,
                real);
        return ScatterPlot.png(samples.values(), real, dataset.modes(), dataset.bounds(), GanTraining.PLOT_SIZE);
    }

    /** The classes a conditional generator takes, label order; empty for an unconditional one. */
    public List<String> classNames() {
        return classNames;
    }

    /** True when samples come from the run's moving average of the generator. */
    public boolean usesEma() {
        return ema;
    }

    /** The step of the checkpoint the generator was loaded from. */
    public long step() {
        return step;
    }

    @Override
    public void close() {
        manager.close();
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
        Arrays.fill(labels, classIndex);
        return labels;
    }
}
