package dev.gantry.training.eval;

import java.util.List;

/** Each 2-D point's nearest mode centre and its distance to it, for the mode-based metrics. */
final class NearestModes {

    private NearestModes() {}

    /**
     * @param points row-major (x0, y0, x1, y1 …)
     * @param nearest filled with each point's nearest mode, or -1 for a NaN point
     * @return each point's Euclidean distance to its nearest mode; infinite for a NaN point
     */
    static double[] of(float[] points, List<double[]> modes, int[] nearest) {
        int count = points.length / 2;
        double[] distances = new double[count];
        for (int i = 0; i < count; i++) {
            double x = points[2 * i];
            double y = points[2 * i + 1];
            int index = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int m = 0; m < modes.size(); m++) {
                double dx = x - modes.get(m)[0];
                double dy = y - modes.get(m)[1];
                double d2 = dx * dx + dy * dy;
                if (d2 < best) {
                    best = d2;
                    index = m;
                }
            }
            nearest[i] = index;
            distances[i] = Math.sqrt(best);
        }
        return distances;
    }
}
