package dev.gantry.training.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Mean and covariance of a feature set, the Gaussian that FID fits to it. The covariance is the
 * unbiased one (divided by n − 1), as {@code numpy.cov} and pytorch-fid compute it; a set of one
 * sample has none.
 */
public record FeatureMoments(int count, double[] mean, DMatrixRMaj covariance) {

    public static FeatureMoments of(FeatureMatrix x) {
        if (x.rows() < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + x.rows());
        }
        int n = x.rows();
        int d = x.columns();
        double[] mean = new double[d];
        double[] v = x.values();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        // Centred first: Σ xxᵀ − n·μμᵀ cancels catastrophically when the mean is large against the spread.
        DMatrixRMaj centred = new DMatrixRMaj(n, d);
        double[] c = centred.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[i * d + j] = v[i * d + j] - mean[j];
            }
        }
        DMatrixRMaj covariance = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransA(centred, centred, covariance);
        CommonOps_DDRM.scale(1.0 / (n - 1), covariance);
        symmetrize(covariance);
        return new FeatureMoments(n, mean, covariance);
    }

    /** (A + Aᵀ) / 2 in place: a product that should be symmetric is, to the last bit. */
    static void symmetrize(DMatrixRMaj a) {
        int d = a.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double m = 0.5 * (a.unsafe_get(i, j) + a.unsafe_get(j, i));
                a.unsafe_set(i, j, m);
                a.unsafe_set(j, i, m);
            }
        }
    }
}
