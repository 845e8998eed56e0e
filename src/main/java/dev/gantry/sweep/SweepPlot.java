package dev.gantry.sweep;

import dev.gantry.training.data.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The standard plots of a sweep in one PNG: the objective of every trial against each swept
 * parameter (completed trials filled, early-stopped ones hollow at their last value, the
 * marginal means joined by a line), and the objective's curve over steps for the best trials,
 * the early-stopped ones in grey behind them.
 */
final class SweepPlot {

    static final int PANEL_WIDTH = 420;
    static final int PANEL_HEIGHT = 300;
    static final int MAX_PARAMETER_PANELS = 8;
    static final int BEST_CURVES = 3;
    private static final int MARGIN = 46;
    private static final Color COMPLETED = new Color(31, 119, 180);
    private static final Color STOPPED = new Color(255, 127, 14);
    private static final Color[] CURVES = {new Color(44, 160, 44), new Color(31, 119, 180), new Color(148, 103, 189)};

    private SweepPlot() {}

    static byte[] render(SweepAnalysis analysis, List<SweepRepository.Point> points) {
        List<String> parameters =
                analysis.parameters().stream().limit(MAX_PARAMETER_PANELS).toList();
        int panels = parameters.size() + 1;
        int columns = Math.min(2, panels);
        int rows = (panels + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < parameters.size(); i++) {
                Graphics2D panel = (Graphics2D)
                        g.create((i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
                parameterPanel(panel, analysis, parameters.get(i));
                panel.dispose();
            }
            int last = parameters.size();
            Graphics2D panel = (Graphics2D) g.create(
                    (last % columns) * PANEL_WIDTH, (last / columns) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
            curvesPanel(panel, analysis, points);
            panel.dispose();
        } finally {
            g.dispose();
        }
        return Png.encode(image);
    }

    /** Where a value lies on an axis: numbers on a linear or (over two decades) log scale, anything else by rank. */
    private record Axis(double min, double max, boolean log, Map<String, Integer> categories) {

        static Axis of(List<JsonNode> values) {
            if (!values.isEmpty() && values.stream().allMatch(JsonNode::isNumber)) {
                double min =
                        values.stream().mapToDouble(JsonNode::asDouble).min().orElseThrow();
                double max =
                        values.stream().mapToDouble(JsonNode::asDouble).max().orElseThrow();
                boolean log = min > 0 && max / min >= 100;
                return log ? new Axis(Math.log10(min), Math.log10(max), true, null) : new Axis(min, max, false, null);
            }
            Map<String, Integer> categories = new LinkedHashMap<>();
            values.forEach(v -> categories.putIfAbsent(label(v), categories.size()));
            return new Axis(-0.5, categories.size() - 0.5, false, categories);
        }

        double position(JsonNode value) {
            if (categories != null) {
                return categories.getOrDefault(label(value), 0);
            }
            return log ? Math.log10(value.asDouble()) : value.asDouble();
        }

        /** 0 to 1 along the axis; a degenerate axis puts everything in the middle. */
        double fraction(double position) {
            return max > min ? (position - min) / (max - min) : 0.5;
        }
    }

    private static void parameterPanel(Graphics2D g, SweepAnalysis analysis, String parameter) {
        List<JsonNode> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (SweepAnalysis.Configuration c : analysis.configurations()) {
            for (SweepAnalysis.TrialResult t : c.trialResults()) {
                if (t.objective() != null && c.params().get(parameter) != null) {
                    xs.add(c.params().get(parameter));
                    ys.add(t.objective());
                }
            }
        }
        frame(g, analysis.objective().metric() + " vs " + parameter);
        if (xs.isEmpty()) {
            text(g, "no evaluations yet", MARGIN + 10, PANEL_HEIGHT / 2);
            return;
        }
        Axis x = Axis.of(xs);
        double[] y = range(ys);
        axisLabels(g, x, y, xs);
        g.setColor(COMPLETED);
        g.fillOval(MARGIN + 8, PANEL_HEIGHT - 18, 8, 8);
        text(g, "completed", MARGIN + 20, PANEL_HEIGHT - 10);
        g.setColor(STOPPED);
        g.drawOval(MARGIN + 88, PANEL_HEIGHT - 18, 8, 8);
        text(g, "stopped early (last value)", MARGIN + 100, PANEL_HEIGHT - 10);
        g.setColor(Color.DARK_GRAY);
        g.drawLine(MARGIN + 258, PANEL_HEIGHT - 14, MARGIN + 272, PANEL_HEIGHT - 14);
        text(g, "marginal mean", MARGIN + 278, PANEL_HEIGHT - 10);
        for (SweepAnalysis.Configuration c : analysis.configurations()) {
            JsonNode value = c.params().get(parameter);
            if (value == null) {
                continue;
            }
            for (SweepAnalysis.TrialResult t : c.trialResults()) {
                if (t.objective() == null) {
                    continue;
                }
                int px = px(x.fraction(x.position(value)));
                int py = py(fraction(t.objective(), y));
                if ("SUCCEEDED".equals(t.state())) {
                    g.setColor(COMPLETED);
                    g.fillOval(px - 4, py - 4, 8, 8);
                } else {
                    g.setColor(STOPPED);
                    g.drawOval(px - 4, py - 4, 8, 8);
                }
            }
        }
        analysis.marginals().stream()
                .filter(m -> m.parameter().equals(parameter))
                .findFirst()
                .ifPresent(m -> {
                    g.setColor(Color.DARK_GRAY);
                    g.setStroke(new BasicStroke(1.5f));
                    List<SweepAnalysis.Level> levels = new ArrayList<>(m.levels());
                    levels.sort(Comparator.comparingDouble(l -> levelPosition(x, l)));
                    for (int i = 1; i < levels.size(); i++) {
                        SweepAnalysis.Level a = levels.get(i - 1);
                        SweepAnalysis.Level b = levels.get(i);
                        g.drawLine(
                                px(x.fraction(levelPosition(x, a))),
                                py(fraction(a.mean(), y)),
                                px(x.fraction(levelPosition(x, b))),
                                py(fraction(b.mean(), y)));
                    }
                });
    }

    /** A level's place on the axis: its value, or the middle of its range. */
    private static double levelPosition(Axis x, SweepAnalysis.Level level) {
        JsonNode value = level.value();
        if (value.isObject() && value.has("from") && value.has("to")) {
            return (x.position(value.get("from")) + x.position(value.get("to"))) / 2;
        }
        return x.position(value);
    }

    private static void curvesPanel(Graphics2D g, SweepAnalysis analysis, List<SweepRepository.Point> points) {
        String metric = analysis.objective().metric();
        frame(g, "best trials: " + metric + " by step");
        Map<UUID, List<double[]>> curves = new HashMap<>();
        for (SweepRepository.Point p : points) {
            if (p.name().equals(metric)) {
                curves.computeIfAbsent(p.job(), j -> new ArrayList<>()).add(new double[] {p.step(), p.value()});
            }
        }
        boolean maximize = analysis.objective().goal().equals("max");
        List<SweepAnalysis.TrialResult> all = analysis.configurations().stream()
                .flatMap(c -> c.trialResults().stream())
                .filter(t -> t.job() != null && curves.containsKey(t.job()))
                .toList();
        List<SweepAnalysis.TrialResult> best = all.stream()
                .filter(t -> "SUCCEEDED".equals(t.state()) && t.objective() != null)
                .sorted(Comparator.comparingDouble((SweepAnalysis.TrialResult t) -> Asha.score(t.objective(), maximize))
                        .reversed())
                .limit(BEST_CURVES)
                .toList();
        if (all.isEmpty()) {
            text(g, "no evaluations yet", MARGIN + 10, PANEL_HEIGHT / 2);
            return;
        }
        double maxStep = 0;
        List<Double> values = new ArrayList<>();
        for (SweepAnalysis.TrialResult t : all) {
            for (double[] p : curves.get(t.job())) {
                maxStep = Math.max(maxStep, p[0]);
                values.add(p[1]);
            }
        }
        double[] y = range(values);
        double steps = maxStep;
        text(g, "0", MARGIN, PANEL_HEIGHT - MARGIN + 14);
        text(g, String.valueOf((long) steps), PANEL_WIDTH - MARGIN - 20, PANEL_HEIGHT - MARGIN + 14);
        text(g, number(y[0]), 2, PANEL_HEIGHT - MARGIN);
        text(g, number(y[1]), 2, MARGIN + 4);
        g.setStroke(new BasicStroke(1f));
        for (SweepAnalysis.TrialResult t : all) {
            if (!best.contains(t)) {
                g.setColor(new Color(190, 190, 190));
                polyline(g, curves.get(t.job()), steps, y);
            }
        }
        g.setStroke(new BasicStroke(2f));
        for (int i = best.size() - 1; i >= 0; i--) {
            SweepAnalysis.TrialResult t = best.get(i);
            g.setColor(CURVES[i % CURVES.length]);
            polyline(g, curves.get(t.job()), steps, y);
            text(
                    g,
                    "trial " + t.trial() + ": " + number(t.objective()),
                    PANEL_WIDTH - MARGIN - 120,
                    MARGIN + 16 + 14 * i);
        }
    }

    private static void polyline(Graphics2D g, List<double[]> curve, double steps, double[] y) {
        for (int i = 1; i < curve.size(); i++) {
            g.drawLine(
                    px(steps > 0 ? curve.get(i - 1)[0] / steps : 0.5),
                    py(fraction(curve.get(i - 1)[1], y)),
                    px(steps > 0 ? curve.get(i)[0] / steps : 0.5),
                    py(fraction(curve.get(i)[1], y)));
        }
        if (curve.size() == 1) {
            g.fillOval(px(steps > 0 ? curve.get(0)[0] / steps : 0.5) - 2, py(fraction(curve.get(0)[1], y)) - 2, 4, 4);
        }
    }

    private static void frame(Graphics2D g, String title) {
        g.setColor(Color.BLACK);
        g.drawRect(MARGIN, MARGIN, PANEL_WIDTH - 2 * MARGIN, PANEL_HEIGHT - 2 * MARGIN);
        text(g, title, MARGIN, MARGIN - 12);
    }

    private static void axisLabels(Graphics2D g, Axis x, double[] y, List<JsonNode> xs) {
        if (x.categories() != null) {
            x.categories().forEach((label, i) -> text(g, label, px(x.fraction(i)) - 10, PANEL_HEIGHT - MARGIN + 14));
        } else {
            double min = xs.stream().mapToDouble(JsonNode::asDouble).min().orElse(0);
            double max = xs.stream().mapToDouble(JsonNode::asDouble).max().orElse(0);
            text(g, number(min) + (x.log() ? " (log)" : ""), MARGIN, PANEL_HEIGHT - MARGIN + 14);
            text(g, number(max), PANEL_WIDTH - MARGIN - 30, PANEL_HEIGHT - MARGIN + 14);
        }
        text(g, number(y[0]), 2, PANEL_HEIGHT - MARGIN);
        text(g, number(y[1]), 2, MARGIN + 4);
    }

    /** The finite range of the values, widened a little so no point sits on the frame. */
    private static double[] range(List<Double> values) {
        double min = values.stream()
                .filter(Double::isFinite)
                .mapToDouble(v -> v)
                .min()
                .orElse(0);
        double max = values.stream()
                .filter(Double::isFinite)
                .mapToDouble(v -> v)
                .max()
                .orElse(1);
        double pad = max > min ? (max - min) * 0.05 : Math.max(Math.abs(min) * 0.05, 0.5);
        return new double[] {min - pad, max + pad};
    }

    private static double fraction(double value, double[] range) {
        double f = Double.isFinite(value) ? (value - range[0]) / (range[1] - range[0]) : 0;
        return Math.max(0, Math.min(1, f));
    }

    private static int px(double fraction) {
        return MARGIN + 8 + (int) Math.round(fraction * (PANEL_WIDTH - 2 * MARGIN - 16));
    }

    private static int py(double fraction) {
        return PANEL_HEIGHT - MARGIN - 8 - (int) Math.round(fraction * (PANEL_HEIGHT - 2 * MARGIN - 16));
    }

    private static String label(JsonNode value) {
        return value.isString() ? value.asString() : value.toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /**
     * Labels are a nicety: a server image without fonts fails in the font manager, and the plot
     * is still worth having without them.
     */
    private static void text(Graphics2D g, String text, int x, int y) {
        try {
            Color before = g.getColor();
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(text, x, y);
            g.setColor(before);
        } catch (RuntimeException | LinkageError | InternalError e) {
            // no fonts: the plot goes without this label
        }
    }
}
