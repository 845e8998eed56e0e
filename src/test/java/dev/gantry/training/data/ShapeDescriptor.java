package dev.gantry.training.data;

/**
 * Features of an RGB image that do not change when its object moves, turns or grows, so that a
 * linear classifier can tell the shapes apart in spite of random position, rotation and size (on
 * raw pixels it stays at chance). From the edge strength e (gradient magnitude summed over the
 * channels), its centroid c and mean radius r̄: a histogram of e over the radius |p − c|/r̄, and the
 * magnitudes of the angular harmonics 1…8 of e around c (a triangle is strong in the 3rd, a square
 * in the 4th, a star in the 5th). Each feature is then standardized over the set.
 */
final class ShapeDescriptor {

    private static final int RADIUS_BINS = 16;
    private static final int BINS_PER_MEAN_RADIUS = 8;
    private static final int HARMONICS = 8;

    private ShapeDescriptor() {}

    static float[][] of(ImageTensor t) {
        float[][] out = new float[t.count()][];
        for (int i = 0; i < t.count(); i++) {
            out[i] = describe(edges(t, i), t.width());
        }
        standardize(out);
        return out;
    }

    private static double[] edges(ImageTensor t, int index) {
        int w = t.width();
        int plane = t.height() * w;
        double[] e = new double[plane];
        byte[] px = t.pixels();
        for (int r = 1; r < t.height() - 1; r++) {
            for (int c = 1; c < w - 1; c++) {
                double sum = 0;
                for (int ch = 0; ch < t.channels(); ch++) {
                    int o = index * t.imageBytes() + ch * plane + r * w + c;
                    double gx = (px[o + 1] & 0xff) - (px[o - 1] & 0xff);
                    double gy = (px[o + w] & 0xff) - (px[o - w] & 0xff);
                    sum += gx * gx + gy * gy;
                }
                e[r * w + c] = Math.sqrt(sum);
            }
        }
        return e;
    }

    private static float[] describe(double[] e, int w) {
        double mass = 0;
        double sx = 0;
        double sy = 0;
        for (int k = 0; k < e.length; k++) {
            mass += e[k];
            sx += e[k] * (k % w);
            sy += e[k] * (k / w);
        }
        double cx = sx / mass;
        double cy = sy / mass;
        double meanRadius = 0;
        for (int k = 0; k < e.length; k++) {
            meanRadius += e[k] * Math.hypot(k % w - cx, k / w - cy) / mass;
        }
        float[] f = new float[RADIUS_BINS + HARMONICS];
        double[] re = new double[HARMONICS + 1];
        double[] im = new double[HARMONICS + 1];
        for (int k = 0; k < e.length; k++) {
            double x = k % w - cx;
            double y = k / w - cy;
            int bin = (int) (Math.hypot(x, y) / meanRadius * BINS_PER_MEAN_RADIUS);
            if (bin < RADIUS_BINS) {
                f[bin] += (float) (e[k] / mass);
            }
            double angle = Math.atan2(y, x);
            for (int h = 1; h <= HARMONICS; h++) {
                re[h] += e[k] * Math.cos(h * angle) / mass;
                im[h] += e[k] * Math.sin(h * angle) / mass;
            }
        }
        for (int h = 1; h <= HARMONICS; h++) {
            f[RADIUS_BINS + h - 1] = (float) Math.hypot(re[h], im[h]);
        }
        return f;
    }

    private static void standardize(float[][] x) {
        for (int d = 0; d < x[0].length; d++) {
            double mean = 0;
            for (float[] row : x) {
                mean += row[d] / x.length;
            }
            double variance = 0;
            for (float[] row : x) {
                variance += (row[d] - mean) * (row[d] - mean) / x.length;
            }
            double sd = Math.sqrt(variance) + 1e-9;
            for (float[] row : x) {
                row[d] = (float) ((row[d] - mean) / sd);
            }
        }
    }
}
