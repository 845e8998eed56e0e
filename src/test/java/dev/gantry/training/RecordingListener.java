package dev.gantry.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/** Keeps everything a run reports; can ask the run to stop. */
class RecordingListener implements TrainingListener {

    record Evaluation(long step, Map<String, Double> metrics, byte[] png) {}

    final Map<Long, Map<String, Double>> losses = new TreeMap<>();
    final Map<Long, byte[]> checkpoints = new LinkedHashMap<>();
    final List<Evaluation> evaluations = new ArrayList<>();
    final List<Long> checkpointSteps = new ArrayList<>();
    private final LongPredicate stopAfter;
    private long lastStep;

    RecordingListener() {
        this(step -> false);
    }

    /** @param stopAfter asked with the last completed step before each step */
    RecordingListener(LongPredicate stopAfter) {
        this.stopAfter = stopAfter;
    }

    @Override
    public void onStep(long step, Map<String, Double> metrics) {
        Map<String, Double> copy = new TreeMap<>(metrics);
        // Timing differs between runs by nature; everything else must not.
        copy.remove("perf/steps-per-second");
        losses.put(step, copy);
        lastStep = step;
    }

    @Override
    public void onCheckpoint(long step, byte[] checkpoint) {
        checkpoints.put(step, checkpoint);
        checkpointSteps.add(step);
    }

    @Override
    public void onEvaluation(long step, Map<String, Double> metrics, byte[] samplePng) {
        evaluations.add(new Evaluation(step, metrics, samplePng));
    }

    @Override
    public boolean stopRequested() {
        return stopAfter.test(lastStep);
    }
}
