package dev.gantry.training.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (FID when the features are
 * Inception's pool3; Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to
 * a Local Nash Equilibrium"):
 *
 * <pre>d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½</pre>
 *
 * <p>tr (Σ₁Σ₂)^½ equals tr (Σ₁^½ Σ₂ Σ₁^½)^½ because both matrices are similar; the second form is a
 * symmetric positive semi-definite matrix, so its square root comes from a symmetric
 * eigendecomposition in double precision with real, clamped eigenvalues. pytorch-fid instead takes
 * {@code scipy.linalg.sqrtm} of the non-symmetric product Σ₁Σ₂, which on ill-conditioned or
 * rank-deficient covariances returns complex parts and loses digits (it then retries with
 * ε·I added).
 *
 * <p>Eigenvalues at or below d·ε·λ_max (numpy's {@code matrix_rank} tolerance) count as 0: they
 * are what rounding leaves of a zero eigenvalue, of either sign, and the square root magnifies
 * them. On a rank-deficient covariance (30 samples in 40 dimensions) keeping them moved FID by
 * 5e-7; ill-conditioned but full-rank spectra (down to 1e-14 of the largest) stay above the cut.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    /** The reference side prepared once: its mean, tr Σ and Σ^½, reused for every evaluation. */
    public record Reference(double[] mean, double trace, DMatrixRMaj sqrtCovariance) {

        public static Reference of(FeatureMoments moments) {
            return new Reference(
                    moments.mean(), CommonOps_DDRM.trace(moments.covariance()), sqrtPsd(moments.covariance()));
        }
    }

    public static double of(FeatureMoments a, FeatureMoments b) {
        return of(Reference.of(a), b);
    }

    public static double of(Reference reference, FeatureMoments other) {
        double[] mu = reference.mean();
        double[] nu = other.mean();
        if (mu.length != nu.length) {
            throw new IllegalArgumentException("features of " + mu.length + " and " + nu.length + " dimensions");
        }
        double meanTerm = 0;
        for (int i = 0; i < mu.length; i++) {
            double d = mu[i] - nu[i];
            meanTerm += d * d;
        }
        DMatrixRMaj s = reference.sqrtCovariance();
        DMatrixRMaj tmp = new DMatrixRMaj(mu.length, mu.length);
        DMatrixRMaj product = new DMatrixRMaj(mu.length, mu.length);
        CommonOps_DDRM.mult(s, other.covariance(), tmp);
        CommonOps_DDRM.mult(tmp, s, product);
        FeatureMoments.symmetrize(product);
        return meanTerm + reference.trace() + CommonOps_DDRM.trace(other.covariance()) - 2 * traceSqrtPsd(product);
    }

    /** A^½ of a symmetric positive semi-definite A: Σ √max(λ, 0)·v·vᵀ = U·Uᵀ with columns u = λ^¼·v. */
    static DMatrixRMaj sqrtPsd(DMatrixRMaj a) {
        int n = a.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(a, true);
        double cut = cut(eig, n);
        DMatrixRMaj u = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double lambda = eig.getEigenvalue(k).real;
            if (lambda <= cut) {
                continue;
            }
            double scale = Math.sqrt(Math.sqrt(lambda));
            double[] v = eig.getEigenVector(k).data;
            for (int i = 0; i < n; i++) {
                u.unsafe_set(i, k, scale * v[i]);
            }
        }
        DMatrixRMaj root = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(u, u, root);
        FeatureMoments.symmetrize(root);
        return root;
    }

    /** tr A^½ of a symmetric positive semi-definite A: Σ √max(λ, 0). */
    static double traceSqrtPsd(DMatrixRMaj a) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(a, false);
        double cut = cut(eig, a.numRows);
        double sum = 0;
        for (int k = 0; k < a.numRows; k++) {
            double lambda = eig.getEigenvalue(k).real;
            if (lambda > cut) {
                sum += Math.sqrt(lambda);
            }
        }
        return sum;
    }

    /** d·ε·λ_max: eigenvalues up to this are rounding noise around 0. */
    private static double cut(EigenDecomposition_F64<DMatrixRMaj> eig, int n) {
        double largest = 0;
        for (int k = 0; k < n; k++) {
            largest = Math.max(largest, Math.abs(eig.getEigenvalue(k).real));
        }
        return n * Math.ulp(1.0) * largest;
    }

    private static EigenDecomposition_F64<DMatrixRMaj> decompose(DMatrixRMaj a, boolean vectors) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(a.numRows, vectors, true);
        DMatrixRMaj input = eig.inputModified() ? a.copy() : a;
        if (!eig.decompose(input)) {
            throw new ArithmeticException("the symmetric eigendecomposition of a " + a.numRows + "² matrix failed");
        }
        return eig;
    }
}
