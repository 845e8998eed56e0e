package dev.gantry.training;

import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.SoftmaxRegression;
import java.util.Arrays;

/**
 * Judges 32×32 grayscale digits the way a person glancing at a grid would: which digit each one
 * is, how sure that is, and how far it lies from the typical image of its digit. Trained on the
 * first {@code train} real images; the rest are held out as the standard generated samples are
 * held to.
 */
final class DigitJudge {

    static final int CLASSES = 10;
    private static final int SIDE = 32 * 32;

    private final SoftmaxRegression classifier;
    private final float[][] centroids;
    private final float[] heldOut;

    /**
     * @param confidence mean probability of the predicted class
     * @param shares fraction of samples predicted as each digit
     * @param distance median RMS distance (pixels in [0, 1]) to the mean image of the predicted digit
     */
    record Verdict(double confidence, double[] shares, double distance) {

        double smallestShare() {
            return Arrays.stream(shares).min().orElseThrow();
        }

        /** Nearly as sure as on real digits, every digit drawn, about as typical as real digits. */
        boolean passes(Verdict real) {
            return confidence >= 0.8 * real.confidence && smallestShare() >= 0.02 && distance <= 1.5 * real.distance;
        }

        @Override
        public String toString() {
            return String.format(
                    "confidence %.3f, shares %s (smallest %.3f), median distance to the class mean %.3f",
                    confidence,
                    Arrays.toString(Arrays.stream(shares)
                            .map(s -> Math.round(s * 1000) / 1000.0)
                            .toArray()),
                    smallestShare(),
                    distance);
        }
    }

    private DigitJudge(SoftmaxRegression classifier, float[][] centroids, float[] heldOut) {
        this.classifier = classifier;
        this.centroids = centroids;
        this.heldOut = heldOut;
    }

    /** @param digits 32×32 grayscale, labelled 0…9 */
    static DigitJudge train(ImageTensor digits, int train) {
        float[][] x = new float[train][];
        int[] y = Arrays.copyOf(digits.labels(), train);
        float[][] centroids = new float[CLASSES][SIDE];
        int[] counts = new int[CLASSES];
        for (int i = 0; i < train; i++) {
            x[i] = unit(digits, i);
            counts[y[i]]++;
            for (int j = 0; j < SIDE; j++) {
                centroids[y[i]][j] += x[i][j];
            }
        }
        for (int k = 0; k < CLASSES; k++) {
            for (int j = 0; j < SIDE; j++) {
                centroids[k][j] /= counts[k];
            }
        }
        float[] heldOut = new float[(digits.count() - train) * SIDE];
        for (int i = train; i < digits.count(); i++) {
            float[] image = unit(digits, i);
            for (int j = 0; j < SIDE; j++) {
                heldOut[(i - train) * SIDE + j] = image[j] * 2 - 1;
            }
        }
        return new DigitJudge(SoftmaxRegression.train(x, y, CLASSES, 5, 0.01), centroids, heldOut);
    }

    /** The held-out real digits in the generator's range, [−1, 1]. */
    float[] heldOut() {
        return heldOut;
    }

    /** @param images 32×32 images in [−1, 1], row-major */
    Verdict assess(float[] images) {
        int n = images.length / SIDE;
        double confidence = 0;
        double[] shares = new double[CLASSES];
        double[] distances = new double[n];
        for (int i = 0; i < n; i++) {
            float[] x = new float[SIDE];
            for (int j = 0; j < SIDE; j++) {
                x[j] = Math.max(0, Math.min(1, (images[i * SIDE + j] + 1) / 2));
            }
            double[] p = classifier.predict(x);
            int best = 0;
            for (int k = 1; k < CLASSES; k++) {
                best = p[k] > p[best] ? k : best;
            }
            confidence += p[best];
            shares[best] += 1.0 / n;
            double squared = 0;
            for (int j = 0; j < SIDE; j++) {
                double d = x[j] - centroids[best][j];
                squared += d * d;
            }
            distances[i] = Math.sqrt(squared / SIDE);
        }
        Arrays.sort(distances);
        return new Verdict(confidence / n, shares, distances[n / 2]);
    }

    private static float[] unit(ImageTensor digits, int index) {
        float[] out = new float[SIDE];
        for (int j = 0; j < SIDE; j++) {
            out[j] = (digits.pixels()[index * SIDE + j] & 0xff) / 255f;
        }
        return out;
    }
}
