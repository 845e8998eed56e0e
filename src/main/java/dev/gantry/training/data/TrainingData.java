package dev.gantry.training.data;

import java.util.List;
import java.util.random.RandomGenerator;

/** Samples of any rank that a run trains on, drawn by index from a seeded generator. */
public interface TrainingData {

    /** The shape of one sample: {@code [2]} for points, {@code [C, H, W]} for images. */
    long[] sampleShape();

    /** Class names in label order; empty when the data has no labels. */
    List<String> classNames();

    default int classes() {
        return classNames().size();
    }

    default int sampleSize() {
        long n = 1;
        for (long d : sampleShape()) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /**
     * Fills {@code out} with {@code count} samples, row-major, and {@code labels} (when not {@code
     * null}) with their classes. All randomness comes from {@code rng}.
     */
    void sample(RandomGenerator rng, int count, float[] out, int[] labels);
}
