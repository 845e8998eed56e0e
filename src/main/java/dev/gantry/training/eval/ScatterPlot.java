package dev.gantry.training.eval;

import dev.gantry.training.data.Bounds;
import dev.gantry.training.data.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Renders generated points over the real data as a PNG. Points outside the bounds are pinned to
 * the border, so a generator that diverges is visible rather than blank.
 */
public final class ScatterPlot {

    static {
        // Workers run without a display; AWT must not try to open one. Only effective before AWT
        // is first touched, which is why it sits here and not in a method.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color BACKGROUND = Color.WHITE;
    private static final Color REAL = new Color(70, 130, 220, 90);
    private static final Color MODE = new Color(30, 70, 170);
    private static final Color GENERATED = new Color(230, 100, 20, 160);

    private ScatterPlot() {}

    /**
     * @param generated row-major (x, y) pairs, drawn on top
     * @param real row-major (x, y) pairs of real data, drawn underneath; may be empty
     * @param modes mode centres drawn as rings; may be empty
     */
    public static byte[] png(float[] generated, float[] real, List<double[]> modes, Bounds bounds, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, size, size);
            g.setColor(new Color(225, 225, 225));
            int ox = px(0, bounds.minX(), bounds.maxX(), size);
            int oy = size - 1 - px(0, bounds.minY(), bounds.maxY(), size);
            g.drawLine(ox, 0, ox, size);
            g.drawLine(0, oy, size, oy);
            dots(g, real, bounds, size, REAL, 2);
            g.setColor(MODE);
            g.setStroke(new BasicStroke(1.5f));
            for (double[] m : modes) {
                int x = px(m[0], bounds.minX(), bounds.maxX(), size);
                int y = size - 1 - px(m[1], bounds.minY(), bounds.maxY(), size);
                g.drawOval(x - 6, y - 6, 12, 12);
            }
            dots(g, generated, bounds, size, GENERATED, 3);
        } finally {
            g.dispose();
        }
        return Png.encode(image);
    }

    private static void dots(Graphics2D g, float[] points, Bounds b, int size, Color color, int d) {
        g.setColor(color);
        for (int i = 0; i + 1 < points.length; i += 2) {
            int x = px(points[i], b.minX(), b.maxX(), size);
            int y = size - 1 - px(points[i + 1], b.minY(), b.maxY(), size);
            g.fillOval(x - d / 2, y - d / 2, d, d);
        }
    }

    private static int px(double v, double min, double max, int size) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double t = (v - min) / (max - min);
        return (int) Math.round(Math.max(0, Math.min(1, t)) * (size - 1));
    }
}
