package dev.gantry.training.eval;

import java.util.Arrays;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric
 * for Assessing Generative Models"). Each sample of a set spans a ball whose radius is the distance
 * to its k-th nearest neighbour in the same set (itself excluded; k = 3 in the paper); the union of
 * the balls estimates the set's manifold. Precision is the fraction of generated samples inside the
 * reference manifold, recall the fraction of reference samples inside the generated one. A sample
 * on a ball's surface is inside, as in the authors' code ({@code dist <= radii}).
 */
public final class PrecisionRecall {

    public static final int DEFAULT_K = 3;

    private PrecisionRecall() {}

    public record Result(double precision, double recall) {}

    public static Result of(FeatureMatrix real, FeatureMatrix fake, int k) {
        return of(real, squaredRadii(real, k), fake, squaredRadii(fake, k));
    }

    static Result of(FeatureMatrix real, double[] realRadii, FeatureMatrix fake, double[] fakeRadii) {
        boolean[] fakeInside = new boolean[fake.rows()];
        boolean[] realInside = new boolean[real.rows()];
        GramScan.cross(real, fake, (i, j, dot, squared) -> {
            if (squared <= realRadii[i]) {
                fakeInside[j] = true;
            }
            if (squared <= fakeRadii[j]) {
                realInside[i] = true;
            }
        });
        return new Result(fraction(fakeInside), fraction(realInside));
    }

    /** The squared distance of each row to its k-th nearest other row. */
    static double[] squaredRadii(FeatureMatrix x, int k) {
        if (k < 1 || k >= x.rows()) {
            throw new IllegalArgumentException(
                    "the " + k + "-th nearest neighbour needs more than " + k + " samples, got " + x.rows());
        }
        // Per row its k smallest distances so far, ascending.
        double[][] nearest = new double[x.rows()][k];
        for (double[] row : nearest) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        GramScan.within(x, (i, j, dot, squared) -> {
            offer(nearest[i], squared);
            offer(nearest[j], squared);
        });
        double[] radii = new double[x.rows()];
        for (int i = 0; i < radii.length; i++) {
            radii[i] = nearest[i][k - 1];
        }
        return radii;
    }

    private static void offer(double[] smallest, double value) {
        int at = smallest.length - 1;
        if (value >= smallest[at]) {
            return;
        }
        while (at > 0 && smallest[at - 1] > value) {
            smallest[at] = smallest[at - 1];
            at--;
        }
        smallest[at] = value;
    }

    private static double fraction(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            if (f) {
                n++;
            }
        }
        return (double) n / flags.length;
    }
}
