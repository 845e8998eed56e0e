package dev.gantry.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds strokes (polylines) in a unit box, y pointing down, from lines, cubic Béziers and
 * elliptic arcs, the way a hand would draw them. Every control point, center, radius and angle is
 * jittered by a small random amount as it is given, so no two drawings of a glyph are alike.
 * Trigonometry is {@link StrictMath}'s (fdlibm, bit-exact on every JVM).
 */
final class GlyphPath {

    private static final int CURVE_SEGMENTS = 12;
    private static final double DEGREES_PER_ARC_SEGMENT = 12;

    private final SeededRandom rng;
    private final double jitter;
    private final List<double[]> strokes = new ArrayList<>();
    private List<Double> current;
    private double x;
    private double y;

    /** @param jitter the largest displacement of a control point, in units of the box */
    GlyphPath(SeededRandom rng, double jitter) {
        this.rng = rng;
        this.jitter = jitter;
    }

    GlyphPath moveTo(double px, double py) {
        finish();
        current = new ArrayList<>();
        point(px + shake(), py + shake());
        return this;
    }

    GlyphPath lineTo(double px, double py) {
        point(px + shake(), py + shake());
        return this;
    }

    GlyphPath curveTo(double c1x, double c1y, double c2x, double c2y, double px, double py) {
        double x0 = x;
        double y0 = y;
        double ax = c1x + shake();
        double ay = c1y + shake();
        double bx = c2x + shake();
        double by = c2y + shake();
        double ex = px + shake();
        double ey = py + shake();
        for (int i = 1; i <= CURVE_SEGMENTS; i++) {
            double t = (double) i / CURVE_SEGMENTS;
            double s = 1 - t;
            point(
                    s * s * s * x0 + 3 * s * s * t * ax + 3 * s * t * t * bx + t * t * t * ex,
                    s * s * s * y0 + 3 * s * s * t * ay + 3 * s * t * t * by + t * t * t * ey);
        }
        return this;
    }

    /**
     * An arc of the ellipse centered at (cx, cy) with radii (rx, ry), from angle {@code from} to
     * {@code to} in degrees, counterclockwise as seen on screen when {@code to > from}. Continues
     * the current stroke (joined by a line) or starts one.
     */
    GlyphPath arc(double cx, double cy, double rx, double ry, double from, double to) {
        double ccx = cx + shake();
        double ccy = cy + shake();
        double rrx = rx * rng.uniform(0.9, 1.1);
        double rry = ry * rng.uniform(0.9, 1.1);
        double a0 = from + rng.uniform(-8, 8);
        double a1 = to + rng.uniform(-8, 8);
        int segments = Math.max(2, (int) Math.ceil(Math.abs(a1 - a0) / DEGREES_PER_ARC_SEGMENT));
        if (current == null) {
            current = new ArrayList<>();
        }
        for (int i = 0; i <= segments; i++) {
            double a = StrictMath.toRadians(a0 + (a1 - a0) * i / segments);
            point(ccx + rrx * StrictMath.cos(a), ccy - rry * StrictMath.sin(a));
        }
        return this;
    }

    /** Lifts the pen: the next arc starts a stroke of its own. */
    GlyphPath lift() {
        finish();
        return this;
    }

    List<double[]> strokes() {
        finish();
        return strokes;
    }

    private double shake() {
        return rng.uniform(-jitter, jitter);
    }

    private void point(double px, double py) {
        current.add(px);
        current.add(py);
        x = px;
        y = py;
    }

    private void finish() {
        if (current != null && current.size() >= 2) {
            double[] stroke = new double[current.size()];
            for (int i = 0; i < stroke.length; i++) {
                stroke[i] = current.get(i);
            }
            strokes.add(stroke);
        }
        current = null;
    }
}
