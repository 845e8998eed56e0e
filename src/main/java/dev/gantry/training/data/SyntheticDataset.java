package dev.gantry.training.data;

import java.util.List;
import java.util.random.RandomGenerator;

/** A built-in 2D distribution that can be sampled without bounds. */
public interface SyntheticDataset {

    String name();

    /**
     * Fills {@code out[0 .. 2*count)} with {@code count} points, row-major (x0, y0, x1, y1 …). All
     * randomness comes from {@code rng}, so a seeded generator gives the same points every time.
     */
    void sample(RandomGenerator rng, int count, float[] out);

    /** Centres of the Gaussian modes, each {x, y}; empty when the data has no modes. */
    List<double[]> modes();

    /** Standard deviation of every mode; NaN when the data has no modes. */
    double sigma();

    /** Plot area that shows the whole distribution. */
    Bounds bounds();
}
