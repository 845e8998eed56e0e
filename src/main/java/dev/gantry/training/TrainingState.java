package dev.gantry.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gantry.training.augment.AdaptiveAugment;
import dev.gantry.training.augment.Augmentation;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.Datasets;
import dev.gantry.training.data.ImageData;
import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.TrainingData;
import dev.gantry.training.features.FeatureNetwork;
import dev.gantry.training.features.FeatureNetworks;
import dev.gantry.training.loss.DiscriminatorPass;
import dev.gantry.training.loss.GanObjective;
import dev.gantry.training.loss.GeneratorPass;
import dev.gantry.training.loss.LossBreakdown;
import dev.gantry.training.loss.TermResources;
import dev.gantry.training.model.Architectures;
import dev.gantry.training.model.Network;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The mutable state of a run (two networks, two optimizers, the generator's moving average when
 * on) and the update rules on it. Kept apart from the loop in {@link GanTraining} so tests can
 * drive single updates.
 */
final class TrainingState implements AutoCloseable {

    final TrainingConfig config;
    final TrainingData data;
    final GanObjective objective;
    final Network generator;
    final Network discriminator;
    final AdamOptimizer generatorOptimizer;
    final AdamOptimizer discriminatorOptimizer;
    /** {@code null} when {@code emaDecay} is 0. */
    final GeneratorEma generatorEma;

    final InstanceNoise instanceNoise;
    /** Super-resolution's held-out images, never drawn for training; {@code null} for generation. */
    final ImageTensor validation;
    /** Off when the policy is empty. */
    final Augmentation augmentation;
    /** {@code null} unless augmentation is adaptive. */
    final AdaptiveAugment adaptiveAugment;
    /** Classes the networks are conditioned on; 0 for unconditional models. */
    final int classes;

    private final NDManager manager;

    /** A real batch and its classes ({@code null} unless the model is conditional). */
    record Batch(NDArray samples, NDArray labels) {}

    private TrainingState(TrainingConfig config, TrainingData data, NDManager parent, FeatureNetworks networks) {
        this.config = config;
        if (config.task().superResolution()) {
            ImageData images = (ImageData) data;
            int count = images.images().count();
            ImageData split =
                    images.holdingOut(Math.max(1, Math.min(config.task().validationImages(), count / 5)));
            this.data = split;
            this.validation = split.heldOut();
        } else {
            this.data = data;
            this.validation = null;
        }
        this.classes = config.model().conditional() ? data.classes() : 0;
        this.manager = parent.newSubManager();
        ModelConfig model = config.model();
        seedEngine(StepSeeds.INIT_GENERATOR);
        this.generator = Architectures.generator(model, config.data(), config.task(), classes, manager);
        seedEngine(StepSeeds.INIT_DISCRIMINATOR);
        this.discriminator = Architectures.discriminator(model, config.data(), classes, manager);
        this.objective = GanObjective.from(config.loss(), new TermResources() {
            @Override
            public Network randomFeatures(int layers) {
                // Rebuilt from the seed on resume, so it needs no place in the checkpoint.
                seedEngine(StepSeeds.INIT_FEATURES);
                return Architectures.features(config.data(), layers, manager);
            }

            @Override
            public FeatureNetwork featureNetwork(String id) {
                return networks.network(id);
            }
        });
        this.generatorOptimizer = new AdamOptimizer(config.generatorOptimizer(), config.steps(), manager);
        this.discriminatorOptimizer = new AdamOptimizer(config.discriminatorOptimizer(), config.steps(), manager);
        // Built after both networks were initialised, so the random init of its own (overwritten
        // at once) does not shift theirs.
        this.generatorEma = config.emaDecay() > 0
                ? new GeneratorEma(
                        config.emaDecay(),
                        generator,
                        Architectures.generator(model, config.data(), config.task(), classes, manager))
                : null;
        this.instanceNoise = new InstanceNoise(config.instanceNoise(), config.steps());
        AugmentConfig augment = config.augment();
        this.augmentation = Augmentation.parse(String.join(",", augment.policy()));
        this.adaptiveAugment = augment.isOn() && augment.adaptive()
                ? new AdaptiveAugment(augmentation, augment.target(), augment.interval(), augment.kimg())
                : null;
    }

    static TrainingState create(TrainingConfig config, TrainingData data, NDManager parent) {
        return create(config, data, parent, FeatureNetworks.NONE);
    }

    static TrainingState create(TrainingConfig config, TrainingData data, NDManager parent, FeatureNetworks networks) {
        return new TrainingState(config, data, parent, networks);
    }

    /** On a built-in dataset. */
    static TrainingState create(TrainingConfig config, NDManager parent) {
        return create(config, Datasets.builtIn(config.data()), parent);
    }

    private void seedEngine(long purpose) {
        Engine.getInstance().setRandomSeed(StepSeeds.engineSeed(StepSeeds.of(config.seed(), 0, purpose)));
    }

    /**
     * One training step: {@code discriminatorSteps} discriminator updates, then one generator
     * update and the moving average's. The generator runs forward once per discriminator update;
     * the last of those fakes, recorded with its graph, is also what the generator update trains
     * on, as PyTorch's DCGAN example does: a second generator forward would cost a fifth of the
     * step. Everything it allocates lives in a sub-manager closed at the end of the step.
     */
    Map<String, Double> trainStep(long step) {
        long seed = StepSeeds.of(config.seed(), step, StepSeeds.TRAIN);
        // libtorch draws nothing in this loop today, but a future block (dropout, noise) would.
        Engine.getInstance().setRandomSeed(StepSeeds.engineSeed(seed));
        RandomGenerator rng = new SplittableRandom(seed);
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (NDManager s = manager.newSubManager()) {
            Batch real = null;
            Batch fake = null;
            for (int i = 0; i < config.discriminatorSteps(); i++) {
                boolean last = i == config.discriminatorSteps() - 1;
                real = realBatch(s, rng);
                fake = fakeBatch(s, rng, last, real);
                Map<String, Double> d = discriminatorUpdate(rng, step, real, fake);
                d.forEach((k, v) -> metrics.merge(k, v / config.discriminatorSteps(), Double::sum));
            }
            metrics.putAll(generatorUpdate(rng, step, real, fake));
        }
        if (generatorEma != null) {
            generatorEma.update(generator);
        }
        if (!generatorOptimizer.hasConstantLearningRate()) {
            metrics.put("lr/g", generatorOptimizer.learningRate(step));
        }
        if (!discriminatorOptimizer.hasConstantLearningRate()) {
            metrics.put("lr/d", discriminatorOptimizer.learningRate(step));
        }
        if (instanceNoise.isOn()) {
            metrics.put("noise/sigma", instanceNoise.sigma(step));
        }
        if (adaptiveAugment != null) {
            metrics.putAll(adaptiveAugment.metrics());
        }
        return metrics;
    }

    /**
     * Draws latents (and classes) and runs the generator in training mode. With {@code
     * forGenerator} the graph through the generator is recorded for the generator update; the
     * discriminator update then sees a detached copy.
     */
    Batch fakeBatch(NDManager s, RandomGenerator rng, boolean forGenerator, Batch real) {
        NDArray z;
        NDArray labels = null;
        if (config.task().superResolution()) {
            // The generator's input is the real batch made small: output i has target i.
            z = lowResolution(real.samples(), rng);
        } else {
            z = latentBatch(s, rng, config.batchSize(), config.model().latentDim());
            labels = classes > 0 ? labelBatch(s, rng, config.batchSize(), classes) : null;
        }
        generator.setTrainable(forGenerator);
        if (!forGenerator) {
            return new Batch(generator.forward(z, labels), labels);
        }
        try (GradientCollector recording = Engine.getInstance().newGradientCollector()) {
            return new Batch(generator.forward(z, labels), labels);
        }
    }

    /**
     * What D sees of a batch: augmented (the same policy for real and generated images, so D
     * cannot tell them apart by the augmentation), then with instance noise. Both are
     * differentiable, so the generator's gradient flows through them.
     */
    private NDArray discriminatorInput(NDArray x, RandomGenerator rng, long step) {
        NDArray augmented = adaptiveAugment != null
                ? adaptiveAugment.apply(x, rng)
                : augmentation.isOn() ? augmentation.apply(x, rng) : x;
        return instanceNoise.apply(augmented, rng, step);
    }

    Map<String, Double> discriminatorUpdate(RandomGenerator rng, long step, Batch real, Batch fake) {
        // The discriminator and the loss terms see the same inputs, real and fake alike.
        NDArray realSamples = discriminatorInput(real.samples(), rng, step);
        discriminator.setTrainable(true);
        // Gradients accumulate in libtorch until zeroed; never trust the previous phase to have
        // left D's at zero.
        discriminator.zeroGradients();
        Map<String, Double> values;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // Detached: the D loss must never reach G's parameters, whether or not G recorded a graph.
            NDArray fakeSamples = discriminatorInput(fake.samples().stopGradient(), rng, step);
            DiscriminatorPass pass =
                    DiscriminatorPass.of(discriminator, realSamples, real.labels(), fakeSamples, fake.labels(), rng);
            LossBreakdown loss = objective.discriminator(pass);
            values = scalars("d", loss, step);
            collector.backward(loss.total());
            if (adaptiveAugment != null) {
                adaptiveAugment.observe(pass.realLogits());
            }
        }
        discriminatorOptimizer.update(discriminator, step);
        objective.afterDiscriminatorUpdate(discriminator);
        return values;
    }

    /** One discriminator update on batches of its own, as the first of several per step. */
    Map<String, Double> discriminatorUpdate(NDManager s, RandomGenerator rng, long step) {
        Batch real = realBatch(s, rng);
        return discriminatorUpdate(rng, step, real, fakeBatch(s, rng, false, real));
    }

    /** One generator update on batches of its own. */
    Map<String, Double> generatorUpdate(NDManager s, RandomGenerator rng, long step) {
        Batch real = realBatch(s, rng);
        return generatorUpdate(rng, step, real, fakeBatch(s, rng, true, real));
    }

    /** @param fake generated with its graph recorded ({@link #fakeBatch} for the generator) */
    Map<String, Double> generatorUpdate(RandomGenerator rng, long step, Batch real, Batch fake) {
        boolean needsReal = objective.generatorNeedsRealBatch();
        NDArray realSamples = needsReal ? discriminatorInput(real.samples(), rng, step) : null;
        // D frozen: the generator's backward must not write into D's gradients (they would leak
        // into the next D update) and skipping them saves a third of the backward.
        discriminator.setTrainable(false);
        generator.setTrainable(true);
        generator.zeroGradients();
        Map<String, Double> values;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray fakeSamples = discriminatorInput(fake.samples(), rng, step);
            LossBreakdown loss = objective.generator(GeneratorPass.of(
                            generator,
                            discriminator,
                            fakeSamples,
                            fake.labels(),
                            realSamples,
                            needsReal ? real.labels() : null,
                            rng)
                    .paired(fake.samples(), needsReal ? real.samples() : null));
            values = scalars("g", loss, step);
            collector.backward(loss.total());
        }
        generatorOptimizer.update(generator, step);
        return values;
    }

    /** The network samples come from: the moving average when the run keeps one. */
    Network sampler() {
        return generatorEma != null ? generatorEma.network() : generator;
    }

    /**
     * Draws {@code count} samples from {@code seed}, row-major, in evaluation mode: from the
     * moving average when the run keeps one, else from the generator.
     *
     * @param labels the class of each sample for a conditional model, else {@code null}
     */
    float[] generate(int count, long seed, int[] labels) {
        return generate(sampler(), config.model().latentDim(), data.sampleSize(), count, seed, labels, manager);
    }

    /**
     * Latents are drawn in one sequence from {@code seed}, whatever the chunking, so sample i is the
     * same however many are asked for.
     */
    static float[] generate(
            Network generator, int latentDim, int sampleSize, int count, long seed, int[] labels, NDManager manager) {
        float[] latents = Latents.draw(seed, count, latentDim);
        float[] out = new float[Math.multiplyExact(count, sampleSize)];
        boolean wasTraining = generator.isTraining();
        generator.setTrainable(false);
        generator.setTraining(false);
        try {
            // Bounded so a big request never holds every activation at once.
            int chunk = Math.max(1, Math.min(8192, (1 << 18) / sampleSize));
            for (int start = 0; start < count; start += chunk) {
                int n = Math.min(chunk, count - start);
                try (NDManager s = manager.newSubManager()) {
                    float[] part = new float[n * latentDim];
                    System.arraycopy(latents, start * latentDim, part, 0, part.length);
                    NDArray z = s.create(part, new Shape(n, latentDim));
                    NDArray y = null;
                    if (labels != null) {
                        int[] classes = new int[n];
                        System.arraycopy(labels, start, classes, 0, n);
                        y = s.create(classes);
                    }
                    float[] values = generator.forward(z, y).toFloatArray();
                    System.arraycopy(values, 0, out, start * sampleSize, values.length);
                }
            }
        } finally {
            generator.setTraining(wasTraining);
        }
        return out;
    }

    Checkpoint checkpoint(long step) {
        return new Checkpoint(
                step,
                signature(),
                generator.snapshot(),
                discriminator.snapshot(),
                generatorOptimizer.state(),
                discriminatorOptimizer.state(),
                generatorEma != null ? generatorEma.snapshot() : Map.of(),
                classes > 0 ? data.classNames() : List.of(),
                adaptiveAugment != null ? prefixed(AUGMENT_STATE, adaptiveAugment.state()) : Map.of());
    }

    /** Key prefix of the adaptive augmentation's entries in {@link Checkpoint#trainingState()}. */
    static final String AUGMENT_STATE = "augment.";

    private static Map<String, Double> prefixed(String prefix, Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private String signature() {
        return Architectures.signature(config.model(), config.data(), config.task(), classes);
    }

    /**
     * Loads a checkpoint of the same model; returns its step. A checkpoint and a run must agree on
     * keeping a moving average: restarting one from the generator would not continue the run.
     */
    long restore(Checkpoint checkpoint) {
        checkSignature(signature(), checkpoint);
        boolean checkpointHasEma = !checkpoint.generatorEma().isEmpty();
        if (checkpointHasEma != (generatorEma != null)) {
            throw new InvalidCheckpointException(
                    checkpointHasEma
                            ? "checkpoint holds a generator EMA but the run has emaDecay 0"
                            : "checkpoint holds no generator EMA but the run has emaDecay " + config.emaDecay());
        }
        try {
            generator.load(checkpoint.generator());
            discriminator.load(checkpoint.discriminator());
            generatorOptimizer.load(checkpoint.generatorOptimizer(), generator);
            discriminatorOptimizer.load(checkpoint.discriminatorOptimizer(), discriminator);
            if (generatorEma != null) {
                generatorEma.load(checkpoint.generatorEma());
            }
            if (adaptiveAugment != null) {
                Map<String, Double> augment = new LinkedHashMap<>();
                checkpoint.trainingState().forEach((k, v) -> {
                    if (k.startsWith(AUGMENT_STATE)) {
                        augment.put(k.substring(AUGMENT_STATE.length()), v);
                    }
                });
                // A checkpoint from before augmentation was turned on starts it at p = 0.
                if (!augment.isEmpty()) {
                    adaptiveAugment.restore(augment);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException("checkpoint does not fit the configured model: " + e.getMessage(), e);
        }
        return checkpoint.step();
    }

    static void checkSignature(String expected, Checkpoint checkpoint) {
        if (!expected.equals(checkpoint.modelSignature())) {
            throw new InvalidCheckpointException("checkpoint is of model '" + checkpoint.modelSignature()
                    + "' but the run is configured for '" + expected + "'");
        }
    }

    Batch realBatch(NDManager s, RandomGenerator rng) {
        int n = config.batchSize();
        float[] values = new float[n * data.sampleSize()];
        int[] labels = classes > 0 ? new int[n] : null;
        data.sample(rng, n, values, labels);
        long[] shape = new long[data.sampleShape().length + 1];
        shape[0] = n;
        System.arraycopy(data.sampleShape(), 0, shape, 1, data.sampleShape().length);
        return new Batch(s.create(values, new Shape(shape)), labels == null ? null : s.create(labels));
    }

    /**
     * The super-resolution input of high-resolution images: the mean of each scale × scale block
     * (exact area downsampling), plus N(0, inputNoise²) drawn from {@code rng} when set.
     */
    NDArray lowResolution(NDArray images, RandomGenerator rng) {
        NDArray small = LowResolution.of(images, config.task().scale());
        double sigma = config.task().inputNoise();
        if (sigma == 0 || rng == null) {
            return small;
        }
        float[] noise = new float[Math.toIntExact(small.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (sigma * rng.nextGaussian());
        }
        return small.add(small.getManager().create(noise, small.getShape()));
    }

    static NDArray latentBatch(NDManager s, RandomGenerator rng, int batch, int dim) {
        return s.create(Latents.draw(rng, batch, dim), new Shape(batch, dim));
    }

    /** Classes for generated samples, uniform over the classes. */
    private static NDArray labelBatch(NDManager s, RandomGenerator rng, int batch, int classes) {
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rng.nextInt(classes);
        }
        return s.create(labels);
    }

    /** {@code loss/<side>}, {@code loss/<side>/<part>} and {@code weight/<side>/<adaptive term>}. */
    private static Map<String, Double> scalars(String side, LossBreakdown loss, long step) {
        Map<String, Double> out = new LinkedHashMap<>();
        String prefix = "loss/" + side;
        double total = loss.total().getFloat();
        if (!Double.isFinite(total)) {
            throw new TrainingDivergedException(step, prefix, total);
        }
        out.put(prefix, total);
        loss.parts().forEach((name, value) -> out.put(prefix + "/" + name, (double) value.getFloat()));
        loss.adaptiveWeights().forEach((name, value) -> out.put("weight/" + side + "/" + name, value));
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
