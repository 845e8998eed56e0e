package dev.gantry.training.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Visits pairs of feature vectors with their dot product and squared distance, a block of rows
 * at a time: the Gram block is one blocked matrix product (EJML), and memory stays at a block of
 * rows × the other set's size instead of a full n × m matrix.
 */
final class GramScan {

    /** Rows of the first set per Gram block. */
    static final int BLOCK_ROWS = 256;

    interface Visitor {
        void pair(int i, int j, double dot, double squaredDistance);
    }

    private GramScan() {}

    /** Every (i, j) with i a row of {@code a} and j a row of {@code b}. */
    static void cross(FeatureMatrix a, FeatureMatrix b, Visitor visitor) {
        scan(a, b, false, visitor);
    }

    /** Every pair i &lt; j of rows of {@code a}, once. */
    static void within(FeatureMatrix a, Visitor visitor) {
        scan(a, a, true, visitor);
    }

    private static void scan(FeatureMatrix a, FeatureMatrix b, boolean upper, Visitor visitor) {
        if (a.columns() != b.columns()) {
            throw new IllegalArgumentException("features of " + a.columns() + " and " + b.columns() + " dimensions");
        }
        int d = a.columns();
        double[] normsA = a.squaredNorms();
        double[] normsB = upper ? normsA : b.squaredNorms();
        DMatrixRMaj right = DMatrixRMaj.wrap(b.rows(), d, b.values());
        for (int from = 0; from < a.rows(); from += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, a.rows() - from);
            DMatrixRMaj left = new DMatrixRMaj(rows, d);
            System.arraycopy(a.values(), from * d, left.data, 0, rows * d);
            DMatrixRMaj gram = new DMatrixRMaj(rows, b.rows());
            CommonOps_DDRM.multTransB(left, right, gram);
            double[] g = gram.data;
            for (int r = 0; r < rows; r++) {
                int i = from + r;
                for (int j = upper ? i + 1 : 0; j < b.rows(); j++) {
                    double dot = g[r * b.rows() + j];
                    // ‖x‖² + ‖y‖² − 2xᵀy can round below zero for near-identical vectors.
                    double squared = Math.max(0, normsA[i] + normsB[j] - 2 * dot);
                    visitor.pair(i, j, dot, squared);
                }
            }
        }
    }
}
