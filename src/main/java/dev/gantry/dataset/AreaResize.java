package dev.gantry.dataset;

/**
 * Center-crop to a square, then area resize (each output pixel is the mean of the source area it
 * covers, fractional edges weighted: PIL's BOX filter, OpenCV's INTER_AREA). Only shrinks, which
 * is all a common size needs: the target is at most the smallest side.
 */
final class AreaResize {

    private AreaResize() {}

    /**
     * @param chw {@code channels × height × width} bytes
     * @param side the output side, at most {@code min(height, width)}
     * @return {@code channels × side × side} bytes
     */
    static byte[] cropAndResize(byte[] chw, int channels, int height, int width, int side) {
        int square = Math.min(height, width);
        if (side > square) {
            throw new IllegalArgumentException("cannot enlarge " + square + " to " + side);
        }
        int top = (height - square) / 2;
        int left = (width - square) / 2;
        Weights weights = new Weights(square, side);
        byte[] out = new byte[channels * side * side];
        double[] rows = new double[square * side];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            // Horizontal pass: each source row of the square to `side` columns.
            for (int y = 0; y < square; y++) {
                int row = plane + (top + y) * width + left;
                for (int x = 0; x < side; x++) {
                    double sum = 0;
                    for (int k = 0; k < weights.count[x]; k++) {
                        sum += (chw[row + weights.first[x] + k] & 0xFF) * weights.weight[x][k];
                    }
                    rows[y * side + x] = sum;
                }
            }
            // Vertical pass.
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    double sum = 0;
                    for (int k = 0; k < weights.count[y]; k++) {
                        sum += rows[(weights.first[y] + k) * side + x] * weights.weight[y][k];
                    }
                    out[c * side * side + y * side + x] = (byte) Math.min(255, Math.max(0, Math.round(sum)));
                }
            }
        }
        return out;
    }

    /** For each output index, the source indices it covers and their weights (summing to 1). */
    private static final class Weights {

        final int[] first;
        final int[] count;
        final double[][] weight;

        Weights(int source, int target) {
            first = new int[target];
            count = new int[target];
            weight = new double[target][];
            double scale = (double) source / target;
            for (int i = 0; i < target; i++) {
                double start = i * scale;
                double end = Math.min(source, (i + 1) * scale);
                int from = (int) Math.floor(start);
                int to = Math.min(source, (int) Math.ceil(end - 1e-9));
                first[i] = from;
                count[i] = to - from;
                weight[i] = new double[to - from];
                for (int j = from; j < to; j++) {
                    weight[i][j - from] = (Math.min(end, j + 1) - Math.max(start, j)) / scale;
                }
            }
        }
    }
}
