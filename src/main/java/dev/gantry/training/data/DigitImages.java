package dev.gantry.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@code digits} set: MNIST-like 28×28 grayscale digits, white strokes on black, 10
 * balanced classes. Each image is a glyph of {@link DigitGlyphs} in a random style, its control
 * points jittered, under a random affine map (rotation ±15°, scale, aspect, shear, translation
 * ±2 px, kept 2 px from the edges) and drawn with a random pen width by {@link StrokeRaster}. Image i has label i mod 10 and
 * its own generator derived from (seed, i), so every prefix is balanced and every image can be
 * made on its own.
 */
final class DigitImages {

    static final int SIZE = 28;
    static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** Pixels per unit of the glyph box: the glyphs span about 19 px, as MNIST's span 20. */
    private static final double BOX = 22;

    /** The ink's bounding box, pen included, is at most this wide and high, and MARGIN from the edges. */
    private static final double INK_BOX = 22;

    private static final double MARGIN = 2;
    private static final double CONTROL_JITTER = 0.035;
    private static final double MAX_ROTATION_DEGREES = 15;

    private DigitImages() {}

    static ImageTensor generate(int count, long seed) {
        byte[] pixels = new byte[count * SIZE * SIZE];
        int[] labels = new int[count];
        StrokeRaster raster = new StrokeRaster(SIZE, SIZE);
        for (int i = 0; i < count; i++) {
            int digit = i % CLASSES.size();
            labels[i] = digit;
            SeededRandom rng = SeededRandom.forItem(seed, i);
            List<double[]> strokes =
                    DigitGlyphs.strokes(digit, rng.nextInt(DigitGlyphs.STYLES[digit]), rng, CONTROL_JITTER);
            draw(strokes, rng, raster);
            raster.write(pixels, i * SIZE * SIZE);
        }
        return new ImageTensor(count, 1, SIZE, SIZE, pixels, labels, CLASSES);
    }

    private static void draw(List<double[]> strokes, SeededRandom rng, StrokeRaster raster) {
        double angle = StrictMath.toRadians(rng.uniform(-MAX_ROTATION_DEGREES, MAX_ROTATION_DEGREES));
        double scale = BOX * rng.uniform(0.85, 1.05);
        double aspect = rng.uniform(0.85, 1.15);
        double shear = rng.uniform(-0.25, 0.25);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        // (u, v) centered in the box → shear → scale with aspect → rotate.
        double sx = scale * aspect;
        double sy = scale / aspect;
        double a = sx * cos;
        double b = (sx * shear) * cos - sy * sin;
        double c = sx * sin;
        double d = (sx * shear) * sin + sy * cos;
        double shiftX = rng.uniform(-2, 2);
        double shiftY = rng.uniform(-2, 2);
        double radius = rng.uniform(0.9, 1.6);

        List<double[]> mapped = new ArrayList<>(strokes.size());
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] stroke : strokes) {
            double[] m = new double[stroke.length];
            for (int k = 0; k < stroke.length; k += 2) {
                double u = stroke[k] - 0.5;
                double v = stroke[k + 1] - 0.5;
                m[k] = a * u + b * v;
                m[k + 1] = c * u + d * v;
                minX = Math.min(minX, m[k]);
                maxX = Math.max(maxX, m[k]);
                minY = Math.min(minY, m[k + 1]);
                maxY = Math.max(maxY, m[k + 1]);
            }
            mapped.add(m);
        }
        // As MNIST: the ink fits a 20×20 box (shrunk when the jitter made it larger), centered in
        // 28×28 up to the random shift, and never closer than MARGIN to an edge.
        double fit = Math.min(1, (INK_BOX - 2 * radius) / Math.max(maxX - minX, maxY - minY));
        double halfW = (maxX - minX) * fit / 2 + radius;
        double halfH = (maxY - minY) * fit / 2 + radius;
        double centerX = clamp(SIZE / 2.0 + shiftX, MARGIN + halfW, SIZE - MARGIN - halfW);
        double centerY = clamp(SIZE / 2.0 + shiftY, MARGIN + halfH, SIZE - MARGIN - halfH);
        double midX = (minX + maxX) / 2;
        double midY = (minY + maxY) / 2;

        raster.clear();
        for (double[] m : mapped) {
            for (int k = 0; k < m.length; k += 2) {
                m[k] = centerX + (m[k] - midX) * fit;
                m[k + 1] = centerY + (m[k + 1] - midY) * fit;
            }
            if (m.length == 2) {
                raster.segment(m[0], m[1], m[0], m[1], radius);
            }
            for (int k = 2; k < m.length; k += 2) {
                raster.segment(m[k - 2], m[k - 1], m[k], m[k + 1], radius);
            }
        }
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
