package dev.gantry.training.data;

import java.util.Arrays;

/**
 * Anti-aliased rasterizer for strokes of round pens: a pixel's intensity is its coverage by the
 * pen, approximated from the distance d between the pixel's center and the nearest segment of the
 * stroke as clamp(r + ½ − d, 0, 1) for a pen of radius r. Plain double arithmetic (IEEE, the same
 * on every JVM), no Java2D and no fonts, so the bytes are the same on every machine.
 */
final class StrokeRaster {

    private final int width;
    private final int height;
    private final double[] distance;

    StrokeRaster(int width, int height) {
        this.width = width;
        this.height = height;
        this.distance = new double[width * height];
    }

    void clear() {
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
    }

    /**
     * Draws the segment (x0, y0)–(x1, y1) in pixel units (pixel (c, r) has its center at
     * (c + ½, r + ½)) with a pen of the given radius. Only the pixels within reach are visited.
     */
    void segment(double x0, double y0, double x1, double y1, double radius) {
        double reach = radius + 1;
        int c0 = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reach));
        int c1 = Math.min(width - 1, (int) Math.ceil(Math.max(x0, x1) + reach));
        int r0 = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reach));
        int r1 = Math.min(height - 1, (int) Math.ceil(Math.max(y0, y1) + reach));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double lengthSquared = dx * dx + dy * dy;
        for (int r = r0; r <= r1; r++) {
            double py = r + 0.5;
            for (int c = c0; c <= c1; c++) {
                double px = c + 0.5;
                double t = lengthSquared == 0 ? 0 : ((px - x0) * dx + (py - y0) * dy) / lengthSquared;
                t = Math.max(0, Math.min(1, t));
                double ex = px - (x0 + t * dx);
                double ey = py - (y0 + t * dy);
                // The pen's edge, not its center line, sets the intensity: subtract the radius.
                double d = Math.sqrt(ex * ex + ey * ey) - radius;
                int i = r * width + c;
                if (d < distance[i]) {
                    distance[i] = d;
                }
            }
        }
    }

    /** The coverage of every pixel as 0–255, written at {@code offset} of {@code out}, row-major. */
    void write(byte[] out, int offset) {
        for (int i = 0; i < distance.length; i++) {
            double coverage = Math.max(0, Math.min(1, 0.5 - distance[i]));
            out[offset + i] = (byte) Math.round(255 * coverage);
        }
    }
}
