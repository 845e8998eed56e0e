package dev.gantry.training.eval;

import java.util.SplittableRandom;

/**
 * KID, the kernel inception distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the
 * unbiased estimate of the squared maximum mean discrepancy with the cubic polynomial kernel
 *
 * <pre>k(x, y) = (xᵀy / d + 1)³</pre>
 *
 * <p>averaged over subsets: for subsets X (reference) and Y (generated) of m samples each,
 *
 * <pre>MMD² = Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m²</pre>
 *
 * <p>The value is the mean over subsets and the spread their standard deviation (population, as
 * torch-fidelity's {@code kernel_inception_distance_std}). An index appears at most once per
 * subset, so subset membership fits in a bit mask and one pass over all pairs fills every subset's
 * sums: the pairs are visited once, not once per subset.
 */
public final class KernelDistance {

    /** torch-fidelity's and the paper's defaults. */
    public static final int DEFAULT_SUBSETS = 100;

    public static final int DEFAULT_SUBSET_SIZE = 1000;

    private KernelDistance() {}

    /** @param values MMD² of each subset */
    public record Result(double mean, double std, double[] values) {}

    static double kernel(double dot, int dimension) {
        double base = dot / dimension + 1;
        return base * base * base;
    }

    /**
     * KID between given subsets of two sets. {@code reference[s]} and {@code generated[s]} are the
     * rows of subset s; all subsets have one size m ≥ 2.
     */
    public static Result of(FeatureMatrix real, FeatureMatrix fake, int[][] reference, int[][] generated) {
        return of(withinSums(real, reference), real, reference, fake, generated);
    }

    static Result of(
            double[] realWithin, FeatureMatrix real, int[][] reference, FeatureMatrix fake, int[][] generated) {
        if (reference.length != generated.length || reference.length == 0) {
            throw new IllegalArgumentException("KID needs as many reference subsets as generated ones, at least one");
        }
        int m = reference[0].length;
        double[] fakeWithin = withinSums(fake, generated);
        double[] cross = crossSums(real, reference, fake, generated);
        int subsets = reference.length;
        double[] values = new double[subsets];
        double sum = 0;
        for (int s = 0; s < subsets; s++) {
            values[s] = (realWithin[s] + fakeWithin[s]) / ((double) m * (m - 1)) - 2 * cross[s] / ((double) m * m);
            sum += values[s];
        }
        double mean = sum / subsets;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(squares / subsets), values);
    }

    /** Σ_{i≠j} k(xᵢ, xⱼ) within each subset. */
    static double[] withinSums(FeatureMatrix x, int[][] subsets) {
        long[][] masks = masks(x.rows(), subsets);
        double[] sums = new double[subsets.length];
        int d = x.columns();
        GramScan.within(x, (i, j, dot, squared) -> {
            if (shared(masks[i], masks[j])) {
                add(masks[i], masks[j], 2 * kernel(dot, d), sums); // (i, j) and (j, i)
            }
        });
        return sums;
    }

    /** Σ_{i,j} k(xᵢ, yⱼ) over each subset pair. */
    static double[] crossSums(FeatureMatrix x, int[][] xSubsets, FeatureMatrix y, int[][] ySubsets) {
        long[][] xMasks = masks(x.rows(), xSubsets);
        long[][] yMasks = masks(y.rows(), ySubsets);
        double[] sums = new double[xSubsets.length];
        int d = x.columns();
        GramScan.cross(x, y, (i, j, dot, squared) -> {
            if (shared(xMasks[i], yMasks[j])) {
                add(xMasks[i], yMasks[j], kernel(dot, d), sums);
            }
        });
        return sums;
    }

    private static boolean shared(long[] a, long[] b) {
        if (a == null || b == null) {
            return false;
        }
        for (int w = 0; w < a.length; w++) {
            if ((a[w] & b[w]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code value} to the sum of every subset holding both rows. */
    private static void add(long[] a, long[] b, double value, double[] sums) {
        for (int w = 0; w < a.length; w++) {
            for (long common = a[w] & b[w]; common != 0; common &= common - 1) {
                sums[w * 64 + Long.numberOfTrailingZeros(common)] += value;
            }
        }
    }

    /** Per row, the subsets that hold it as bits; {@code null} for a row in none. */
    private static long[][] masks(int rows, int[][] subsets) {
        int words = (subsets.length + 63) / 64;
        long[][] masks = new long[rows][];
        int size = subsets[0].length;
        if (size < 2) {
            throw new IllegalArgumentException("KID subsets need at least 2 samples, got " + size);
        }
        for (int s = 0; s < subsets.length; s++) {
            if (subsets[s].length != size) {
                throw new IllegalArgumentException("KID subsets differ in size: " + size + " and " + subsets[s].length);
            }
            for (int i : subsets[s]) {
                if (masks[i] == null) {
                    masks[i] = new long[words];
                }
                long bit = 1L << (s & 63);
                if ((masks[i][s >> 6] & bit) != 0) {
                    throw new IllegalArgumentException("row " + i + " appears twice in KID subset " + s);
                }
                masks[i][s >> 6] |= bit;
            }
        }
        return masks;
    }

    /**
     * {@code count} subsets of {@code size} distinct rows out of {@code rows}, each drawn
     * independently (a partial Fisher–Yates shuffle) from one {@link SplittableRandom}.
     */
    public static int[][] drawSubsets(int rows, int count, int size, long seed) {
        if (size > rows) {
            throw new IllegalArgumentException("a subset of " + size + " out of " + rows + " rows");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] subsets = new int[count][size];
        int[] order = new int[rows];
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < rows; i++) {
                order[i] = i;
            }
            for (int i = 0; i < size; i++) {
                int j = i + random.nextInt(rows - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            System.arraycopy(order, 0, subsets[s], 0, size);
        }
        return subsets;
    }
}
