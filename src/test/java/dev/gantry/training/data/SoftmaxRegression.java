package dev.gantry.training.data;

import java.util.SplittableRandom;

/**
 * Multinomial logistic regression trained by plain SGD, the smallest classifier that tells whether
 * a set's classes are separable from given features. Seeded, so its accuracy on a fixed set is a
 * fixed number.
 */
public final class SoftmaxRegression {

    private final double[][] weights;

    private SoftmaxRegression(int classes, int features) {
        this.weights = new double[classes][features + 1];
    }

    public static SoftmaxRegression train(float[][] x, int[] y, int classes, int epochs, double rate) {
        SoftmaxRegression model = new SoftmaxRegression(classes, x[0].length);
        SplittableRandom rng = new SplittableRandom(1);
        double[] p = new double[classes];
        for (int step = 0; step < epochs * x.length; step++) {
            int i = rng.nextInt(x.length);
            model.probabilities(x[i], p);
            for (int k = 0; k < classes; k++) {
                double g = rate * (p[k] - (k == y[i] ? 1 : 0));
                double[] w = model.weights[k];
                for (int d = 0; d < x[i].length; d++) {
                    w[d] -= g * x[i][d];
                }
                w[x[i].length] -= g;
            }
        }
        return model;
    }

    public double accuracy(float[][] x, int[] y) {
        double[] p = new double[weights.length];
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            probabilities(x[i], p);
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            right += best == y[i] ? 1 : 0;
        }
        return (double) right / x.length;
    }

    /** Class probabilities of {@code x}. */
    public double[] predict(float[] x) {
        double[] p = new double[weights.length];
        probabilities(x, p);
        return p;
    }

    private void probabilities(float[] x, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < weights.length; k++) {
            double[] w = weights[k];
            double z = w[x.length];
            for (int d = 0; d < x.length; d++) {
                z += w[d] * x[d];
            }
            p[k] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
    }
}
