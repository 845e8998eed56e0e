package dev.gantry.training.data;

/**
 * Signed distances (negative inside, in pixels) of the shapes of the {@code shapes} set, in the
 * shape's own frame: centered at the origin, outer radius {@code r}. Formulas after Inigo Quilez's
 * 2-D distance functions (box, polygon, annulus, boolean operations by min and max).
 */
final class ShapeOutlines {

    private ShapeOutlines() {}

    static double circle(double x, double y, double r) {
        return Math.sqrt(x * x + y * y) - r;
    }

    /** An annulus of outer radius r and the given thickness. */
    static double ring(double x, double y, double r, double thickness) {
        return Math.abs(circle(x, y, r - thickness / 2)) - thickness / 2;
    }

    /** An axis-aligned box of half sizes (hx, hy). */
    static double box(double x, double y, double hx, double hy) {
        double qx = Math.abs(x) - hx;
        double qy = Math.abs(y) - hy;
        double ox = Math.max(qx, 0);
        double oy = Math.max(qy, 0);
        return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
    }

    /** A square outline of half size h and the given thickness. */
    static double frame(double x, double y, double h, double thickness) {
        return Math.abs(box(x, y, h - thickness / 2, h - thickness / 2)) - thickness / 2;
    }

    /** A plus sign: two bars of half length r and half width w. */
    static double cross(double x, double y, double r, double w) {
        return Math.min(box(x, y, r, w), box(x, y, w, r));
    }

    /** A disc of radius r minus a disc of radius {@code inner} shifted right by {@code shift}. */
    static double crescent(double x, double y, double r, double inner, double shift) {
        return Math.max(circle(x, y, r), -circle(x - shift, y, inner));
    }

    /**
     * A closed polygon given as {x0, y0, x1, y1, …}: the distance to the nearest edge, negative
     * where a ray crosses an odd number of edges.
     */
    static double polygon(double x, double y, double[] v) {
        int n = v.length / 2;
        double best = Double.POSITIVE_INFINITY;
        boolean inside = false;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double xi = v[2 * i];
            double yi = v[2 * i + 1];
            double ex = v[2 * j] - xi;
            double ey = v[2 * j + 1] - yi;
            double wx = x - xi;
            double wy = y - yi;
            double t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
            double bx = wx - ex * t;
            double by = wy - ey * t;
            best = Math.min(best, bx * bx + by * by);
            boolean up = y >= yi;
            boolean down = y < v[2 * j + 1];
            boolean left = ex * wy > ey * wx;
            if ((up && down && left) || (!up && !down && !left)) {
                inside = !inside;
            }
        }
        return inside ? -Math.sqrt(best) : Math.sqrt(best);
    }

    /** A regular star (or polygon, when inner = outer·cos(π/points)) with a point straight up. */
    static double[] star(int points, double outer, double inner) {
        double[] v = new double[4 * points];
        for (int k = 0; k < 2 * points; k++) {
            double a = StrictMath.PI / 2 + StrictMath.PI * k / points;
            double r = k % 2 == 0 ? outer : inner;
            v[2 * k] = r * StrictMath.cos(a);
            v[2 * k + 1] = -r * StrictMath.sin(a);
        }
        return v;
    }

    static double[] regularPolygon(int sides, double r) {
        double[] v = new double[2 * sides];
        for (int k = 0; k < sides; k++) {
            double a = StrictMath.PI / 2 + 2 * StrictMath.PI * k / sides;
            v[2 * k] = r * StrictMath.cos(a);
            v[2 * k + 1] = -r * StrictMath.sin(a);
        }
        return v;
    }
}
