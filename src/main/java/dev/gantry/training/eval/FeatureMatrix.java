package dev.gantry.training.eval;

/**
 * {@code rows} feature vectors of {@code columns} values each, row-major, in double precision:
 * what a feature network gives for a set of images, and what every metric here compares.
 */
public record FeatureMatrix(int rows, int columns, double[] values) {

    public FeatureMatrix {
        if (rows < 1 || columns < 1 || values.length != (long) rows * columns) {
            throw new IllegalArgumentException(
                    "a feature matrix of " + rows + " × " + columns + " cannot hold " + values.length + " values");
        }
    }

    /** Widened from float32, exactly. */
    public static FeatureMatrix of(float[] values, int rows, int columns) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return new FeatureMatrix(rows, columns, wide);
    }

    /** Squared Euclidean norm of each row. */
    double[] squaredNorms() {
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0, at = i * columns; j < columns; j++, at++) {
                s += values[at] * values[at];
            }
            norms[i] = s;
        }
        return norms;
    }
}
