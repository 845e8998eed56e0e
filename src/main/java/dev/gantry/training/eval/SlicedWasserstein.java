package dev.gantry.training.eval;

import java.util.Arrays;

/**
 * The sliced 1-Wasserstein distance between two equally large 2-D samples: the mean, over
 * {@code directions} equally spaced directions in [0, π), of the 1-D Wasserstein-1 distance
 * between the samples projected on each (sorted projections, paired in order). In the data's
 * units; 0 for equal samples. Unlike mode counts it sees shape: collapsed, too wide or
 * misplaced clusters all raise it. Reported as {@code eval/sliced-wasserstein}.
 */
public final class SlicedWasserstein {

    /** Directions of {@code eval/sliced-wasserstein}, part of its protocol. */
    public static final int DIRECTIONS = 64;

    public static final String METRIC = "eval/sliced-wasserstein";

    private SlicedWasserstein() {}

    /** @param a row-major (x0, y0, x1, y1 …), as many points as {@code b}; NaN makes the result NaN */
    public static double distance(float[] a, float[] b, int directions) {
        if (a.length != b.length || a.length % 2 != 0 || a.length == 0) {
            throw new IllegalArgumentException("sliced Wasserstein needs two non-empty 2-D samples of one size, not "
                    + a.length + " and " + b.length + " coordinates");
        }
        int count = a.length / 2;
        double[] pa = new double[count];
        double[] pb = new double[count];
        double sum = 0;
        for (int k = 0; k < directions; k++) {
            double angle = Math.PI * k / directions;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int i = 0; i < count; i++) {
                pa[i] = a[2 * i] * cos + a[2 * i + 1] * sin;
                pb[i] = b[2 * i] * cos + b[2 * i + 1] * sin;
            }
            Arrays.sort(pa);
            Arrays.sort(pb);
            double w = 0;
            for (int i = 0; i < count; i++) {
                w += Math.abs(pa[i] - pb[i]);
            }
            sum += w / count;
        }
        return sum / directions;
    }
}
