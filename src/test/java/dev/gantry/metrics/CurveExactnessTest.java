package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Downsampled curves against a plain Java computation over the same points: random seeded series
 * with gaps of every size, uneven steps, ties, non-finite values, retried and replayed batches;
 * random ranges and {@code maxPoints}. Each bucket must hold exactly the lowest and the highest
 * stored point of its step range, whichever rollup levels and raw ends the query read.
 */
class CurveExactnessTest {

    final DataSource dataSource = TestDatabase.dataSource();
    final MetricWriter writer = new MetricWriter(dataSource);
    final MetricQuery query = new MetricQuery(dataSource);

    /** PostgreSQL's order of double precision: NaN above everything, -0 equal to 0. */
    static final Comparator<Double> PG_ORDER = (x, y) -> x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y);

    static final int[] MAX_POINTS = {2, 3, 4, 5, 10, 37, 100, 333, 1000};

    @Test
    void every_bucket_holds_the_true_lowest_and_highest_point_of_its_steps() {
        for (long seed = 1; seed <= 4; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            UUID job = running(1);
            Map<String, NavigableMap<Long, Double>> truth = new TreeMap<>();
            for (String name : List.of("loss/d", "loss/g", "eval/fid")) {
                truth.put(name, writeSeries(job, name, 500 + random.nextInt(4000), random));
            }
            for (int q = 0; q < 60; q++) {
                NavigableMap<Long, Double> any = truth.get("loss/d");
                Long from = random.nextInt(4) == 0 ? null : anyStepAround(any, random);
                Long to = random.nextInt(4) == 0 ? null : anyStepAround(any, random);
                if (from != null && to != null && to < from) {
                    Long swap = from;
                    from = to;
                    to = swap;
                }
                int maxPoints = MAX_POINTS[random.nextInt(MAX_POINTS.length)];
                String context = "seed " + seed + " from " + from + " to " + to + " maxPoints " + maxPoints;

                Map<String, MetricQuery.Series> curves = query.curves(job, List.of(), from, to, maxPoints);

                for (Map.Entry<String, NavigableMap<Long, Double>> series : truth.entrySet()) {
                    Expected expected = expected(series.getKey(), series.getValue(), from, to, maxPoints);
                    MetricQuery.Series actual = curves.get(series.getKey());
                    if (expected == null) {
                        assertThat(actual).as(context).isNull();
                        continue;
                    }
                    assertThat(actual).as(context).isNotNull();
                    assertThat(actual.bucketSteps()).as(context).isEqualTo(expected.bucketSteps);
                    assertThat(actual.points()).as(context).isEqualTo(expected.points);
                    assertThat(actual.points()).as(context).hasSizeLessThanOrEqualTo(maxPoints);
                }
            }
        }
    }

    @Test
    void a_series_spanning_millions_of_steps_reads_the_coarsest_levels_and_stays_exact() {
        SplittableRandom random = new SplittableRandom(99);
        UUID job = running(1);
        NavigableMap<Long, Double> truth = new TreeMap<>();
        long step = 3;
        List<MetricPoint> points = new ArrayList<>();
        // Dense stretches (every step) between jumps of up to a million steps: buckets of 2^17 and
        // more, tiled by level-16 blocks in the middle and ever finer ones at unaligned ends.
        for (int i = 0; i < 6000; i++) {
            step += random.nextInt(50) == 0 ? 1 + random.nextInt(1_000_000) : 1;
            double value = random.nextGaussian();
            truth.put(step, value);
            points.add(new MetricPoint("loss/d", step, value));
        }
        assertThat(writer.write(job, 1, points)).isTrue();

        for (int q = 0; q < 40; q++) {
            Long from = anyStepAround(truth, random);
            Long to = random.nextBoolean() ? null : from + random.nextInt(60_000_000);
            int maxPoints = MAX_POINTS[random.nextInt(4)];
            Expected expected = expected("loss/d", truth, from, to, maxPoints);

            MetricQuery.Series actual =
                    query.curves(job, List.of("loss/d"), from, to, maxPoints).get("loss/d");

            if (expected == null) {
                assertThat(actual).isNull();
            } else {
                assertThat(actual.bucketSteps()).isEqualTo(expected.bucketSteps);
                assertThat(actual.points()).isEqualTo(expected.points);
            }
        }
    }

    @Test
    void downsampled_points_keep_the_protocol_they_were_measured_under() {
        SplittableRandom random = new SplittableRandom(5);
        UUID job = running(1);
        MetricProtocol fast = new MetricProtocol(null, null, "bilinear", 2500, "train", 2500, "png", null);
        MetricProtocol full = new MetricProtocol(null, null, "bilinear", 50000, "train", 50000, "png", null);
        NavigableMap<Long, Double> truth = new TreeMap<>();
        Map<Long, MetricProtocol> protocols = new TreeMap<>();
        List<MetricPoint> points = new ArrayList<>();
        // Protocols on the first 3000 steps only: a range after them has none to look up.
        for (long step = 0; step < 5000; step++) {
            double value = random.nextGaussian();
            MetricProtocol protocol = step >= 3000 ? null : step % 3 == 0 ? full : fast;
            truth.put(step, value);
            protocols.put(step, protocol);
            points.add(new MetricPoint("eval/fid", step, value, protocol));
        }
        assertThat(writer.write(job, 1, points)).isTrue();

        for (Long from : new Long[] {null, 2500L, 3000L}) {
            Expected expected = expected("eval/fid", truth, from, null, 50);

            MetricQuery.Series actual =
                    query.curves(job, List.of("eval/fid"), from, null, 50).get("eval/fid");

            assertThat(actual.bucketSteps()).isEqualTo(expected.bucketSteps);
            assertThat(actual.points())
                    .extracting(MetricPoint::step, MetricPoint::value)
                    .isEqualTo(expected.points.stream()
                            .map(p -> tuple(p.step(), p.value()))
                            .toList());
            assertThat(actual.points()).allSatisfy(p -> assertThat(p.protocol()).isEqualTo(protocols.get(p.step())));
        }
    }

    /**
     * Writes about {@code count} points in random batches, resending some earlier steps with other
     * values as a retried or resumed writer would; returns what the store must keep (first write).
     */
    private NavigableMap<Long, Double> writeSeries(UUID job, String name, int count, SplittableRandom random) {
        NavigableMap<Long, Double> truth = new TreeMap<>();
        List<MetricPoint> all = new ArrayList<>();
        long step = random.nextInt(100);
        for (int i = 0; i < count; i++) {
            int gap = random.nextInt(20);
            step += gap < 14 ? 1 : gap < 18 ? 1 + random.nextInt(30) : gap < 19 ? 1 + random.nextInt(5_000) : 0;
            if (truth.containsKey(step)) {
                continue; // a step sent twice in one batch: covered by MetricWriterTest, not here
            }
            double value = value(random);
            truth.put(step, value);
            all.add(new MetricPoint(name, step, value));
        }
        // Batches in order, each sometimes followed by a replay of some of its steps with new values.
        int at = 0;
        while (at < all.size()) {
            int size = Math.min(all.size() - at, 1 + random.nextInt(700));
            List<MetricPoint> batch = all.subList(at, at + size);
            assertThat(writer.write(job, 1, batch)).isTrue();
            if (random.nextInt(3) == 0) {
                List<MetricPoint> replay = new ArrayList<>();
                for (MetricPoint p : all.subList(Math.max(0, at - 50), at + size)) {
                    if (random.nextBoolean()) {
                        replay.add(new MetricPoint(name, p.step(), value(random)));
                    }
                }
                Collections.shuffle(replay, new Random(random.nextLong()));
                assertThat(writer.write(job, 1, replay)).isTrue();
            }
            at += size;
        }
        return truth;
    }

    /** Smooth noise with ties (a small set of round values) and the odd non-finite value or zero. */
    private static double value(SplittableRandom random) {
        int kind = random.nextInt(100);
        if (kind == 0) {
            return Double.NaN;
        } else if (kind == 1) {
            return random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        } else if (kind == 2) {
            return random.nextBoolean() ? 0.0 : -0.0;
        } else if (kind < 40) {
            return random.nextInt(5);
        }
        return random.nextGaussian() * 3;
    }

    private static long anyStepAround(NavigableMap<Long, Double> series, SplittableRandom random) {
        long first = series.firstKey();
        long last = series.lastKey();
        return Math.max(0, first - 100 + (long) (random.nextDouble() * (last - first + 200)));
    }

    record Expected(Long bucketSteps, List<MetricPoint> points) {}

    /** The definition, computed directly: null when the range holds no point. */
    static Expected expected(String name, NavigableMap<Long, Double> truth, Long from, Long to, int maxPoints) {
        NavigableMap<Long, Double> range =
                truth.subMap(from == null ? Long.MIN_VALUE : from, true, to == null ? Long.MAX_VALUE : to, true);
        if (range.isEmpty()) {
            return null;
        }
        if (range.size() <= maxPoints) {
            List<MetricPoint> all = new ArrayList<>();
            range.forEach((step, value) -> all.add(new MetricPoint(name, step, value)));
            return new Expected(null, all);
        }
        long width = 1;
        while (Math.floorDiv(range.lastKey(), width) - Math.floorDiv(range.firstKey(), width) + 1 > maxPoints / 2) {
            width *= 2;
        }
        Map<Long, List<Map.Entry<Long, Double>>> buckets = new TreeMap<>();
        for (Map.Entry<Long, Double> point : range.entrySet()) {
            buckets.computeIfAbsent(Math.floorDiv(point.getKey(), width), b -> new ArrayList<>())
                    .add(point);
        }
        Comparator<Map.Entry<Long, Double>> lowestFirst = Comparator.<Map.Entry<Long, Double>, Double>comparing(
                        Map.Entry::getValue, PG_ORDER)
                .thenComparing(Map.Entry::getKey);
        Comparator<Map.Entry<Long, Double>> highestFirst = Comparator.<Map.Entry<Long, Double>, Double>comparing(
                        Map.Entry::getValue, PG_ORDER.reversed())
                .thenComparing(Map.Entry::getKey);
        TreeSet<Long> kept = new TreeSet<>();
        for (List<Map.Entry<Long, Double>> bucket : buckets.values()) {
            kept.add(Collections.min(bucket, lowestFirst).getKey());
            kept.add(Collections.min(bucket, highestFirst).getKey());
        }
        List<MetricPoint> points = new ArrayList<>();
        for (long step : kept) {
            points.add(new MetricPoint(name, step, range.get(step)));
        }
        return new Expected(width, points);
    }
}
