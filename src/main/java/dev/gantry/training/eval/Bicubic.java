package dev.gantry.training.eval;

/**
 * Bicubic upsampling as {@code torch.nn.functional.interpolate(mode="bicubic",
 * align_corners=False)} computes it: Keys' cubic convolution with a = −0.75, source coordinate
 * (i + ½)/scale − ½, borders replicated; no clipping (the caller clips if it must). The baseline a
 * super-resolution generator has to beat.
 */
public final class Bicubic {

    private static final double A = -0.75;

    private Bicubic() {}

    /**
     * @param images {@code count × channels × h × w}, row-major
     * @return {@code count × channels × (h·scale) × (w·scale)}
     */
    public static float[] upsample(float[] images, int count, int channels, int h, int w, int scale) {
        int outH = h * scale;
        int outW = w * scale;
        float[] out = new float[count * channels * outH * outW];
        double[][] rowWeights = new double[outH][];
        int[][] rowTaps = new int[outH][];
        taps(h, scale, rowWeights, rowTaps);
        double[][] colWeights = new double[outW][];
        int[][] colTaps = new int[outW][];
        taps(w, scale, colWeights, colTaps);
        for (int p = 0; p < count * channels; p++) {
            int in = p * h * w;
            int o = p * outH * outW;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double v = 0;
                    for (int i = 0; i < 4; i++) {
                        double rowSum = 0;
                        int row = in + rowTaps[y][i] * w;
                        for (int j = 0; j < 4; j++) {
                            rowSum += colWeights[x][j] * images[row + colTaps[x][j]];
                        }
                        v += rowWeights[y][i] * rowSum;
                    }
                    out[o + y * outW + x] = (float) v;
                }
            }
        }
        return out;
    }

    private static void taps(int size, int scale, double[][] weights, int[][] taps) {
        for (int i = 0; i < weights.length; i++) {
            double source = (i + 0.5) / scale - 0.5;
            int base = (int) Math.floor(source);
            double t = source - base;
            weights[i] = new double[] {cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t)};
            taps[i] = new int[4];
            for (int k = 0; k < 4; k++) {
                taps[i][k] = Math.max(0, Math.min(size - 1, base - 1 + k));
            }
        }
    }

    /** Keys' kernel for |x| ≤ 2. */
    private static double cubic(double x) {
        double d = Math.abs(x);
        if (d <= 1) {
            return ((A + 2) * d - (A + 3)) * d * d + 1;
        }
        return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
    }
}
