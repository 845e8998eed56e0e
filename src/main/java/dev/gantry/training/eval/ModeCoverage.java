package dev.gantry.training.eval;

import java.util.List;

/**
 * PacGAN's mode-coverage metric (Lin et al. 2018, §5.1, following VEEGAN): every generated point
 * is assigned to its nearest mode centre; it is <em>high quality</em> when its Euclidean distance
 * to that centre is at most 3σ; a mode is <em>captured</em> when at least one high-quality point
 * is assigned to it.
 *
 * @param modesCaptured reported as {@code eval/modes}
 * @param modeCount number of modes of the data
 * @param highQualityFraction high-quality points / all points, in [0, 1]; reported as {@code
 *     eval/high-quality} (PacGAN prints it as a percentage)
 */
public record ModeCoverage(int modesCaptured, int modeCount, double highQualityFraction) {

    /**
     * @param points row-major (x0, y0, x1, y1 …)
     * @param modes mode centres {x, y}
     */
    public static ModeCoverage of(float[] points, List<double[]> modes, double sigma) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("mode coverage needs at least one mode");
        }
        int count = points.length / 2;
        boolean[] captured = new boolean[modes.size()];
        double limit = 3 * sigma;
        int highQuality = 0;
        int[] nearest = new int[count];
        double[] distances = NearestModes.of(points, modes, nearest);
        for (int i = 0; i < count; i++) {
            // NaN points have no nearest mode and are simply not high quality.
            if (nearest[i] >= 0 && distances[i] <= limit) {
                highQuality++;
                captured[nearest[i]] = true;
            }
        }
        int modesCaptured = 0;
        for (boolean c : captured) {
            modesCaptured += c ? 1 : 0;
        }
        return new ModeCoverage(modesCaptured, modes.size(), count == 0 ? 0 : (double) highQuality / count);
    }
}
