package dev.gantry.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A batch's contribution to {@code metric_rollups} (V14), computed in the writer instead of by the
 * server: the rows the database would group out of the batch's points, one per (name, level,
 * block), at each of {@link MetricQuery#LEVELS}.
 *
 * <p>Used only for a batch whose every point was inserted. The points are compared as PostgreSQL
 * compares the arrays of the SQL it replaces: by value, then by step, with NaN equal to NaN and
 * above every number, and −0 equal to 0.
 */
final class BatchRollups {

    /** Rows in (name, level, block) order, the lock order every writer takes. */
    final List<Row> rows;

    record Row(
            String name,
            int level,
            long block,
            int points,
            long minStep,
            double minValue,
            long maxStep,
            double maxValue,
            long lastStep,
            double lastValue) {}

    private record Key(String name, int level, long block) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byName = name.compareTo(other.name);
            if (byName != 0) {
                return byName;
            }
            return level != other.level ? Integer.compare(level, other.level) : Long.compare(block, other.block);
        }
    }

    private static final class Block {
        int points;
        long minStep;
        double minValue;
        long maxStep;
        double maxValue;
        long lastStep = Long.MIN_VALUE;
        double lastValue;

        void add(long step, double value) {
            if (points == 0 || before(value, step, minValue, minStep)) {
                minValue = value;
                minStep = step;
            }
            if (points == 0 || before(maxValue, step, value, maxStep)) {
                maxValue = value;
                maxStep = step;
            }
            if (step > lastStep) {
                lastStep = step;
                lastValue = value;
            }
            points++;
        }
    }

    BatchRollups(List<MetricPoint> points) {
        TreeMap<Key, Block> blocks = new TreeMap<>();
        for (MetricPoint p : points) {
            for (int level : MetricQuery.LEVELS) {
                blocks.computeIfAbsent(new Key(p.name(), level, p.step() >> level), k -> new Block())
                        .add(p.step(), p.value());
            }
        }
        List<Row> listed = new ArrayList<>(blocks.size());
        blocks.forEach((k, b) -> listed.add(new Row(
                k.name,
                k.level,
                k.block,
                b.points,
                b.minStep,
                b.minValue,
                b.maxStep,
                b.maxValue,
                b.lastStep,
                b.lastValue)));
        this.rows = List.copyOf(listed);
    }

    /** Whether the point (a, aStep) orders below (b, bStep): by value in float8 order, then step. */
    private static boolean before(double a, long aStep, double b, long bStep) {
        int byValue = compare(a, b);
        return byValue != 0 ? byValue < 0 : aStep < bStep;
    }

    /** float8 order: NaN equals NaN and is above every number; −0 equals 0. */
    static int compare(double a, double b) {
        boolean aNaN = Double.isNaN(a);
        boolean bNaN = Double.isNaN(b);
        if (aNaN || bNaN) {
            return aNaN == bNaN ? 0 : aNaN ? 1 : -1;
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }
}
