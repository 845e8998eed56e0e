package dev.gantry.training.eval;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How wide the generated clusters are against the data's: the median distance of generated points
 * to their nearest mode centre, over the points within 3σ of it, divided by the same median over
 * real points. 1 is right; a generator that collapses each mode to a point scores near 0, which
 * PacGAN's high-quality share rewards instead of penalising. Reported as {@code eval/spread}.
 */
public final class ModeSpread {

    public static final String METRIC = "eval/spread";

    private ModeSpread() {}

    /**
     * @param generated row-major (x0, y0, x1, y1 …)
     * @param real a sample of the data, row-major
     * @return empty when either set has no point within 3σ of a mode
     */
    public static OptionalDouble ratio(float[] generated, float[] real, List<double[]> modes, double sigma) {
        OptionalDouble fake = medianDistance(generated, modes, 3 * sigma);
        OptionalDouble truth = medianDistance(real, modes, 3 * sigma);
        if (fake.isEmpty() || truth.isEmpty() || truth.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(fake.getAsDouble() / truth.getAsDouble());
    }

    static OptionalDouble medianDistance(float[] points, List<double[]> modes, double limit) {
        double[] distances = NearestModes.of(points, modes, new int[points.length / 2]);
        int kept = 0;
        for (double distance : distances) {
            if (distance <= limit) { // NaN points are infinitely far and left out
                distances[kept++] = distance;
            }
        }
        if (kept == 0) {
            return OptionalDouble.empty();
        }
        Arrays.sort(distances, 0, kept);
        return OptionalDouble.of(
                kept % 2 == 1 ? distances[kept / 2] : (distances[kept / 2 - 1] + distances[kept / 2]) / 2);
    }
}
