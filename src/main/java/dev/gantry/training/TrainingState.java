package dev.gantry.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gantry.training.data.SyntheticDataset;
import dev.gantry.training.data.SyntheticDatasets;
import dev.gantry.training.loss.DiscriminatorPass;
import dev.gantry.training.loss.GanObjective;
import dev.gantry.training.loss.GeneratorPass;
import dev.gantry.training.loss.LossBreakdown;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import java.util.LinkedHashMap;
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
    final SyntheticDataset dataset;
    final GanObjective objective;
    final Network generator;
    final Network discriminator;
    final AdamOptimizer generatorOptimizer;
    final AdamOptimizer discriminatorOptimizer;
    /** {@code null} when {@code emaDecay} is 0. */
    final GeneratorEma generatorEma;

    final InstanceNoise instanceNoise;
    private final NDManager manager;

    private TrainingState(TrainingConfig config, NDManager parent) {
        this.config = config;
        this.dataset = SyntheticDatasets.byName(config.dataset());
        this.manager = parent.newSubManager();
        Engine.getInstance()
                .setRandomSeed(StepSeeds.engineSeed(StepSeeds.of(config.seed(), 0, StepSeeds.INIT_GENERATOR)));
        this.generator = MlpNetworks.generator(config.model(), manager);
        Engine.getInstance()
                .setRandomSeed(StepSeeds.engineSeed(StepSeeds.of(config.seed(), 0, StepSeeds.INIT_DISCRIMINATOR)));
        this.discriminator = MlpNetworks.discriminator(config.model(), manager);
        this.objective = GanObjective.from(config.loss(), layers -> {
            // Rebuilt from the seed on resume, so it needs no place in the checkpoint.
            Engine.getInstance()
                    .setRandomSeed(StepSeeds.engineSeed(StepSeeds.of(config.seed(), 0, StepSeeds.INIT_FEATURES)));
            return MlpNetworks.features(layers, manager);
        });
        this.generatorOptimizer = new AdamOptimizer(config.generatorOptimizer(), config.steps(), manager);
        this.discriminatorOptimizer = new AdamOptimizer(config.discriminatorOptimizer(), config.steps(), manager);
        // Built after both networks were initialised, so the random init of its own (overwritten
        // at once) does not shift theirs.
        this.generatorEma = config.emaDecay() > 0
                ? new GeneratorEma(config.emaDecay(), generator, MlpNetworks.generator(config.model(), manager))
                : null;
        this.instanceNoise = new InstanceNoise(config.instanceNoise(), config.steps());
    }

    static TrainingState create(TrainingConfig config, NDManager parent) {
        return new TrainingState(config, parent);
    }

    /**
     * One training step: {@code discriminatorSteps} discriminator updates, then one generator
     * update and the moving average's. Everything it allocates lives in a sub-manager closed at
     * the end of the step.
     */
    Map<String, Double> trainStep(long step) {
        long seed = StepSeeds.of(config.seed(), step, StepSeeds.TRAIN);
        // libtorch draws nothing in this loop today, but a future block (dropout, noise) would.
        Engine.getInstance().setRandomSeed(StepSeeds.engineSeed(seed));
        RandomGenerator rng = new SplittableRandom(seed);
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (NDManager s = manager.newSubManager()) {
            for (int i = 0; i < config.discriminatorSteps(); i++) {
                Map<String, Double> d = discriminatorUpdate(s, rng, step);
                d.forEach((k, v) -> metrics.merge(k, v / config.discriminatorSteps(), Double::sum));
            }
            metrics.putAll(generatorUpdate(s, rng, step));
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
        return metrics;
    }

    Map<String, Double> discriminatorUpdate(NDManager s, RandomGenerator rng, long step) {
        int batch = config.batchSize();
        // The discriminator and the loss terms see the noisy batches, real and fake alike.
        NDArray real = instanceNoise.apply(realBatch(s, rng, batch), rng, step);
        NDArray z = latentBatch(s, rng, batch);
        generator.setTrainable(false);
        discriminator.setTrainable(true);
        // Gradients accumulate in libtorch until zeroed; never trust the previous phase to have
        // left D's at zero.
        discriminator.zeroGradients();
        Map<String, Double> values;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // G is frozen so no graph is recorded through it; detaching anyway keeps the D loss
            // from ever reaching G's parameters should G be left trainable.
            NDArray fake = instanceNoise.apply(generator.forward(z).stopGradient(), rng, step);
            LossBreakdown loss = objective.discriminator(DiscriminatorPass.of(discriminator, real, fake, rng));
            values = scalars("d", loss, step);
            collector.backward(loss.total());
        }
        discriminatorOptimizer.update(discriminator, step);
        objective.afterDiscriminatorUpdate(discriminator);
        return values;
    }

    Map<String, Double> generatorUpdate(NDManager s, RandomGenerator rng, long step) {
        int batch = config.batchSize();
        boolean needsReal = objective.generatorNeedsRealBatch();
        NDArray real = needsReal ? instanceNoise.apply(realBatch(s, rng, batch), rng, step) : null;
        NDArray z = latentBatch(s, rng, batch);
        // D frozen: the generator's backward must not write into D's gradients (they would leak
        // into the next D update) and skipping them saves a third of the backward.
        discriminator.setTrainable(false);
        generator.setTrainable(true);
        generator.zeroGradients();
        Map<String, Double> values;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray fake = instanceNoise.apply(generator.forward(z), rng, step);
            LossBreakdown loss = objective.generator(GeneratorPass.of(generator, discriminator, fake, real, rng));
            values = scalars("g", loss, step);
            collector.backward(loss.total());
        }
        generatorOptimizer.update(generator, step);
        return values;
    }

    /**
     * Draws {@code count} samples from {@code seed}, row-major (x, y): from the moving average when
     * the run keeps one, else from the generator.
     */
    float[] generate(int count, long seed) {
        Network sampler = generatorEma != null ? generatorEma.network() : generator;
        return generate(sampler, config.model().latentDim(), count, seed, manager);
    }

    static float[] generate(Network generator, int latentDim, int count, long seed, NDManager manager) {
        RandomGenerator rng = new SplittableRandom(seed);
        float[] out = new float[count * 2];
        generator.setTrainable(false);
        int chunk = 8192;
        for (int start = 0; start < count; start += chunk) {
            int n = Math.min(chunk, count - start);
            try (NDManager s = manager.newSubManager()) {
                float[] points =
                        generator.forward(latentBatch(s, rng, n, latentDim)).toFloatArray();
                System.arraycopy(points, 0, out, start * 2, points.length);
            }
        }
        return out;
    }

    Checkpoint checkpoint(long step) {
        return new Checkpoint(
                step,
                MlpNetworks.signature(config.model()),
                generator.snapshot(),
                discriminator.snapshot(),
                generatorOptimizer.state(),
                discriminatorOptimizer.state(),
                generatorEma != null ? generatorEma.snapshot() : Map.of());
    }

    /**
     * Loads a checkpoint of the same model; returns its step. A checkpoint and a run must agree on
     * keeping a moving average: restarting one from the generator would not continue the run.
     */
    long restore(Checkpoint checkpoint) {
        checkModel(config.model(), checkpoint);
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
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException("checkpoint does not fit the configured model: " + e.getMessage(), e);
        }
        return checkpoint.step();
    }

    static void checkModel(ModelConfig model, Checkpoint checkpoint) {
        String expected = MlpNetworks.signature(model);
        if (!expected.equals(checkpoint.modelSignature())) {
            throw new InvalidCheckpointException("checkpoint is of model '" + checkpoint.modelSignature()
                    + "' but the run is configured for '" + expected + "'");
        }
    }

    private NDArray realBatch(NDManager s, RandomGenerator rng, int batch) {
        float[] xy = new float[batch * 2];
        dataset.sample(rng, batch, xy);
        return s.create(xy, new Shape(batch, 2));
    }

    private NDArray latentBatch(NDManager s, RandomGenerator rng, int batch) {
        return latentBatch(s, rng, batch, config.model().latentDim());
    }

    private static NDArray latentBatch(NDManager s, RandomGenerator rng, int batch, int dim) {
        float[] z = new float[batch * dim];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return s.create(z, new Shape(batch, dim));
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
