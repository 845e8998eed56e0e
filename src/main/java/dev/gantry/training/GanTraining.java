package dev.gantry.training;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.Datasets;
import dev.gantry.training.data.ImageData;
import dev.gantry.training.data.PointData;
import dev.gantry.training.data.SyntheticDataset;
import dev.gantry.training.data.TrainingData;
import dev.gantry.training.eval.EvaluationProtocol;
import dev.gantry.training.eval.EvaluationSetup;
import dev.gantry.training.eval.ImageEvaluator;
import dev.gantry.training.eval.ImageGrid;
import dev.gantry.training.eval.ModeCoverage;
import dev.gantry.training.eval.ModeSpread;
import dev.gantry.training.eval.ScatterPlot;
import dev.gantry.training.eval.SlicedWasserstein;
import dev.gantry.training.features.FeatureNetworks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one GAN training job in the calling thread. DJL allows one gradient collector per JVM, so
 * at most one run per process at a time.
 */
public final class GanTraining {

    /** How often {@code perf/steps-per-second} is reported, in steps. */
    public static final int PERF_EVERY_STEPS = 100;

    public static final int PLOT_SIZE = 512;

    /**
     * DJL's switch for TorchScript's optimizing graph executor, read when the engine starts. Off,
     * the penalty modules run on the plain interpreter from the first call of the process on, so
     * no run depends on how often a module ran before it. A worker's first use of DJL is {@link
     * #run}, so this class sets it before the engine starts unless the command line did.
     */
    public static final String GRAPH_OPTIMIZER_PROPERTY = "ai.djl.pytorch.graph_optimizer";

    static {
        if (System.getProperty(GRAPH_OPTIMIZER_PROPERTY) == null) {
            System.setProperty(GRAPH_OPTIMIZER_PROPERTY, "false");
        }
    }

    static final int PLOT_REAL_POINTS = 2000;

    private GanTraining() {}

    /** Sample grids: {@value #GRID_SIDE} × {@value #GRID_SIDE} images. */
    public static final int GRID_SIDE = 8;

    /**
     * The seed of the latents behind every sample grid, the same for every job: grids of two runs
     * with the same latent size show the same latents at the same place, so they can be compared
     * side by side, step for step.
     */
    public static final long GRID_SEED = 0x4772_6964_5365_6564L;

    /**
     * Trains on a built-in dataset from scratch, or from {@code resumeCheckpoint} when it is not
     * {@code null}, up to {@code config.steps()}.
     *
     * @throws InvalidTrainingConfigException when {@link TrainingCatalog#validate} finds problems
     * @throws InvalidCheckpointException when the checkpoint is corrupt or of another model
     * @throws TrainingDivergedException when a loss becomes NaN or infinite
     */
    public static TrainingResult run(TrainingConfig config, byte[] resumeCheckpoint, TrainingListener listener) {
        List<ConfigViolation> violations = TrainingCatalog.validate(config);
        if (!violations.isEmpty()) {
            throw new InvalidTrainingConfigException(violations);
        }
        return run(config, Datasets.builtIn(config.data()), resumeCheckpoint, listener);
    }

    /**
     * Trains on {@code data}, already fitted to {@code config.data()}'s resolution and channels.
     *
     * @see #run(TrainingConfig, byte[], TrainingListener)
     */
    public static TrainingResult run(
            TrainingConfig config, TrainingData data, byte[] resumeCheckpoint, TrainingListener listener) {
        return run(config, data, resumeCheckpoint, listener, FeatureNetworks.NONE, EvaluationSetup.NONE);
    }

    /** With the feature networks a config names and no evaluation setup: the run's own tests. */
    public static TrainingResult run(
            TrainingConfig config,
            TrainingData data,
            byte[] resumeCheckpoint,
            TrainingListener listener,
            FeatureNetworks networks) {
        return run(config, data, resumeCheckpoint, listener, networks, EvaluationSetup.NONE);
    }

    /** With an evaluation setup and no feature networks for the loss. */
    public static TrainingResult run(
            TrainingConfig config,
            TrainingData data,
            byte[] resumeCheckpoint,
            TrainingListener listener,
            EvaluationSetup evaluation) {
        return run(config, data, resumeCheckpoint, listener, FeatureNetworks.NONE, evaluation);
    }

    /**
     * Trains with the uploaded feature networks the config names ({@link
     * TrainingCatalog#featureNetworks}), loaded by the caller, who also closes them, and evaluates
     * with what {@code evaluation} provides: the job's feature extractor for FID, KID and
     * precision/recall, and a cache for the reference features.
     *
     * @see #run(TrainingConfig, byte[], TrainingListener)
     */
    public static TrainingResult run(
            TrainingConfig config,
            TrainingData data,
            byte[] resumeCheckpoint,
            TrainingListener listener,
            FeatureNetworks networks,
            EvaluationSetup evaluation) {
        List<ConfigViolation> violations = TrainingCatalog.validate(config, Datasets.shape(data), networks.infos());
        if (!violations.isEmpty()) {
            throw new InvalidTrainingConfigException(violations);
        }
        try (NDManager base = NDManager.newBaseManager();
                TrainingState state = TrainingState.create(config, data, base, networks)) {
            long step = resumeCheckpoint == null ? 0 : state.restore(Checkpoint.decode(resumeCheckpoint));
            return new Loop(config, state, listener, evaluation).run(step);
        }
    }

    private static final class Loop {
        private final TrainingConfig config;
        private final TrainingState state;
        private final TrainingListener listener;
        private final EvaluationSetup evaluation;
        private ImageEvaluator imageEvaluator;
        private float[] realPoints;
        private SuperResolutionEvaluation superResolution;
        private Map<String, Double> lastMetrics = Map.of();
        private Map<String, Double> lastEvaluation = Map.of();

        Loop(TrainingConfig config, TrainingState state, TrainingListener listener, EvaluationSetup evaluation) {
            this.config = config;
            this.state = state;
            this.listener = listener;
            this.evaluation = evaluation;
        }

        TrainingResult run(long completed) {
            long step = completed;
            long windowStart = System.nanoTime();
            long windowSteps = 0;
            while (step < config.steps()) {
                if (listener.stopRequested()) {
                    listener.onCheckpoint(step, state.checkpoint(step).encode());
                    return new TrainingResult(step, true, lastMetrics, lastEvaluation);
                }
                step++;
                Map<String, Double> metrics = state.trainStep(step);
                windowSteps++;
                if (step % PERF_EVERY_STEPS == 0) {
                    long now = System.nanoTime();
                    metrics.put("perf/steps-per-second", windowSteps * 1e9 / (now - windowStart));
                    windowStart = now;
                    windowSteps = 0;
                }
                lastMetrics = metrics;
                listener.onStep(step, metrics);
                boolean last = step == config.steps();
                // Evaluation before the checkpoint of the same step: the run flushes the values
                // before it records the checkpoint, so a checkpoint kept by a metric has its value.
                boolean metricsDue = last || due(step, config.evaluationEverySteps());
                boolean sampleDue = last || due(step, config.sampleEverySteps());
                if (metricsDue || sampleDue) {
                    if (state.data instanceof PointData points) {
                        evaluatePoints(step, points.distribution(), metricsDue, sampleDue);
                    } else if (state.validation != null) {
                        evaluateSuperResolution(step, metricsDue, sampleDue);
                    } else {
                        evaluateImages(step, metricsDue, sampleDue);
                    }
                }
                if (last || due(step, config.checkpointEverySteps())) {
                    listener.onCheckpoint(step, state.checkpoint(step).encode());
                }
            }
            return new TrainingResult(step, false, lastMetrics, lastEvaluation);
        }

        private EvaluationProtocol pointsProtocol(
                String reference, int referenceCount, Map<String, Integer> parameters) {
            return new EvaluationProtocol(
                    null,
                    null,
                    "none",
                    config.evaluationSamples(),
                    reference,
                    referenceCount,
                    "float32 points",
                    parameters);
        }

        private static void record(
                Map<String, Double> metrics,
                Map<String, EvaluationProtocol> protocols,
                String name,
                double value,
                EvaluationProtocol protocol) {
            metrics.put(name, value);
            protocols.put(name, protocol);
        }

        private void evaluatePoints(long step, SyntheticDataset dataset, boolean metricsDue, boolean sampleDue) {
            float[] points = state.generate(
                    config.evaluationSamples(), StepSeeds.of(config.seed(), step, StepSeeds.EVALUATION), null);
            Map<String, Double> metrics = new LinkedHashMap<>();
            Map<String, EvaluationProtocol> protocols = new LinkedHashMap<>();
            if (metricsDue) {
                // A fresh real sample per evaluation, as large as the generated one.
                float[] real = new float[points.length];
                dataset.sample(
                        new SplittableRandom(StepSeeds.of(config.seed(), step, StepSeeds.EVALUATION_REAL)),
                        config.evaluationSamples(),
                        real);
                if (!dataset.modes().isEmpty()) {
                    ModeCoverage coverage = ModeCoverage.of(points, dataset.modes(), dataset.sigma());
                    EvaluationProtocol modes =
                            pointsProtocol("modes", dataset.modes().size(), Map.of("highQualitySigmas", 3));
                    record(metrics, protocols, "eval/modes", coverage.modesCaptured(), modes);
                    record(metrics, protocols, "eval/high-quality", coverage.highQualityFraction(), modes);
                    ModeSpread.ratio(points, real, dataset.modes(), dataset.sigma())
                            .ifPresent(spread -> record(
                                    metrics,
                                    protocols,
                                    ModeSpread.METRIC,
                                    spread,
                                    pointsProtocol("fresh", config.evaluationSamples(), Map.of("withinSigmas", 3))));
                }
                record(
                        metrics,
                        protocols,
                        SlicedWasserstein.METRIC,
                        SlicedWasserstein.distance(points, real, SlicedWasserstein.DIRECTIONS),
                        pointsProtocol(
                                "fresh",
                                config.evaluationSamples(),
                                Map.of("directions", SlicedWasserstein.DIRECTIONS)));
                lastEvaluation = metrics;
            }
            byte[] png = null;
            if (sampleDue) {
                png = ScatterPlot.png(points, realPoints(dataset), dataset.modes(), dataset.bounds(), PLOT_SIZE);
            }
            listener.onEvaluation(step, metrics, protocols, png);
        }

        /**
         * N samples against the real images when metrics are due (a conditional model's sample i
         * is of class i mod classes, so classes are evenly represented), and the grid.
         */
        private void evaluateImages(long step, boolean metricsDue, boolean sampleDue) {
            ImageEvaluator.Evaluation result = new ImageEvaluator.Evaluation(Map.of(), Map.of());
            if (metricsDue) {
                if (imageEvaluator == null) {
                    imageEvaluator = new ImageEvaluator(
                            ((ImageData) state.data).images(),
                            config.evaluationSamples(),
                            evaluation.featureExtractor(),
                            evaluation.referenceCache());
                }
                int count = config.evaluationSamples();
                float[] images = state.generate(
                        count,
                        StepSeeds.of(config.seed(), step, StepSeeds.EVALUATION),
                        gridLabels(count, state.classes));
                result = imageEvaluator.evaluate(images, StepSeeds.of(config.seed(), step, StepSeeds.KID_SUBSETS));
                lastEvaluation = result.metrics();
            }
            listener.onEvaluation(step, result.metrics(), result.protocols(), sampleDue ? sampleGrid() : null);
        }

        private void evaluateSuperResolution(long step, boolean metricsDue, boolean sampleDue) {
            if (superResolution == null) {
                superResolution =
                        new SuperResolutionEvaluation(state, StepSeeds.of(config.seed(), 0, StepSeeds.EVALUATION));
                if (evaluation.featureExtractor() != null) {
                    // The held-out originals are the reference: the outputs should be indistinguishable from them.
                    imageEvaluator = new ImageEvaluator(
                            state.validation,
                            state.validation.count(),
                            evaluation.featureExtractor(),
                            evaluation.referenceCache(),
                            "held-out");
                }
            }
            ImageEvaluator.Evaluation result = new ImageEvaluator.Evaluation(Map.of(), Map.of());
            if (metricsDue) {
                result = superResolution.metrics(
                        imageEvaluator, StepSeeds.of(config.seed(), step, StepSeeds.KID_SUBSETS));
                lastEvaluation = result.metrics();
            }
            listener.onEvaluation(
                    step, result.metrics(), result.protocols(), sampleDue ? superResolution.grid() : null);
        }

        /** 8 × 8 samples from {@link #GRID_SEED}; a conditional model's sample i is of class i mod classes. */
        private byte[] sampleGrid() {
            int count = GRID_SIDE * GRID_SIDE;
            float[] images = state.generate(count, GRID_SEED, gridLabels(count, state.classes));
            long[] shape = state.data.sampleShape();
            return ImageGrid.png(images, count, (int) shape[0], (int) shape[1], (int) shape[2], GRID_SIDE);
        }

        private float[] realPoints(SyntheticDataset dataset) {
            if (realPoints == null) {
                realPoints = new float[PLOT_REAL_POINTS * 2];
                dataset.sample(
                        new SplittableRandom(StepSeeds.of(config.seed(), 0, StepSeeds.REAL_PLOT)),
                        PLOT_REAL_POINTS,
                        realPoints);
            }
            return realPoints;
        }

        private static boolean due(long step, int every) {
            return every > 0 && step % every == 0;
        }
    }

    /** Class i mod classes for sample i; {@code null} for an unconditional model (0 classes). */
    static int[] gridLabels(int count, int classes) {
        if (classes == 0) {
            return null;
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }
}
