package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MetricQueryTest {

    final DataSource dataSource = TestDatabase.dataSource();
    final MetricWriter writer = new MetricWriter(dataSource);
    final MetricQuery query = new MetricQuery(dataSource);

    @Test
    void downsampling_keeps_a_single_spike_and_a_single_dip_of_a_long_series() {
        UUID job = running(1);
        List<MetricPoint> points = new ArrayList<>();
        for (long step = 0; step < 10_000; step++) {
            points.add(new MetricPoint("loss/d", step, smooth(step)));
        }
        points.set(4321, new MetricPoint("loss/d", 4321, 50.0));
        points.set(7777, new MetricPoint("loss/d", 7777, -50.0));
        writer.write(job, 1, points);

        List<MetricPoint> series = query.series(job, List.of(), null, null, 100).get("loss/d");

        assertThat(series).hasSizeLessThanOrEqualTo(100).hasSizeGreaterThan(50);
        assertThat(series).extracting(MetricPoint::step).isSorted().doesNotHaveDuplicates();
        assertThat(series).contains(new MetricPoint("loss/d", 4321, 50.0), new MetricPoint("loss/d", 7777, -50.0));
        // Kept points are stored points, never averages.
        assertThat(series).allSatisfy(p -> assertThat(p).isEqualTo(points.get((int) p.step())));
    }

    @Test
    void each_bucket_keeps_its_lowest_and_highest_point_with_ties_going_to_the_earlier_step() {
        UUID job = running(1);
        // Steps 0..7 in two buckets (maxPoints 4), aligned to 4 steps: 0-3 and 4-7. The second
        // has two lowest (steps 5, 6) and two highest (steps 4, 7) points.
        write(job, "loss/g", 3, 1, 2, 5, 5, 0, 0, 5);

        assertThat(query.series(job, List.of(), null, null, 4).get("loss/g"))
                .containsExactly(
                        new MetricPoint("loss/g", 1, 1),
                        new MetricPoint("loss/g", 3, 5),
                        new MetricPoint("loss/g", 4, 5),
                        new MetricPoint("loss/g", 5, 0));
    }

    @Test
    void a_flat_bucket_yields_one_point_not_two() {
        UUID job = running(1);
        write(job, "loss/g", 1, 1, 1, 1, 1, 1, 1, 1);

        assertThat(query.series(job, List.of(), null, null, 4).get("loss/g"))
                .extracting(MetricPoint::step)
                .containsExactly(0L, 4L);
    }

    @Test
    void an_odd_max_points_still_bounds_the_result() {
        UUID job = running(1);
        write(job, "loss/g", 4, 9, 1, 7);

        // maxPoints 3 means one bucket: its min and its max.
        assertThat(query.series(job, List.of(), null, null, 3).get("loss/g"))
                .containsExactly(new MetricPoint("loss/g", 1, 9), new MetricPoint("loss/g", 2, 1));
    }

    @Test
    void a_diverged_bucket_shows_nan_as_its_maximum() {
        UUID job = running(1);
        write(job, "loss/d", 1, Double.NaN, 2, 3, 4, 5);

        assertThat(query.series(job, List.of(), null, null, 2).get("loss/d"))
                .containsExactly(new MetricPoint("loss/d", 0, 1), new MetricPoint("loss/d", 1, Double.NaN));
    }

    @Test
    void series_at_or_under_max_points_come_back_exactly() {
        UUID job = running(1);
        double[] values =
                LongStream.range(0, 100).mapToDouble(MetricQueryTest::smooth).toArray();
        write(job, "eval/modes", values);

        List<MetricPoint> series = query.series(job, List.of(), null, null, 100).get("eval/modes");

        assertThat(series).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(series.get(i)).isEqualTo(new MetricPoint("eval/modes", i, values[i]));
        }
    }

    @Test
    void each_name_is_downsampled_on_its_own_count() {
        UUID job = running(1);
        write(
                job,
                "loss/d",
                LongStream.range(0, 1_000).mapToDouble(MetricQueryTest::smooth).toArray());
        write(job, "eval/fid", 40, 30, 20);

        Map<String, List<MetricPoint>> series = query.series(job, List.of(), null, null, 10);

        assertThat(series.keySet()).containsExactly("eval/fid", "loss/d");
        assertThat(series.get("eval/fid")).extracting(MetricPoint::value).containsExactly(40.0, 30.0, 20.0);
        assertThat(series.get("loss/d")).hasSizeLessThanOrEqualTo(10).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void from_and_to_steps_are_inclusive_bounds_and_either_may_be_left_open() {
        UUID job = running(1);
        write(job, "loss/d", LongStream.range(0, 100).mapToDouble(step -> step).toArray());

        assertThat(steps(query.series(job, List.of(), 10L, 20L, 100)))
                .isEqualTo(LongStream.rangeClosed(10, 20).boxed().toList());
        assertThat(steps(query.series(job, List.of(), 95L, null, 100))).containsExactly(95L, 96L, 97L, 98L, 99L);
        assertThat(steps(query.series(job, List.of(), null, 2L, 100))).containsExactly(0L, 1L, 2L);
        assertThat(query.series(job, List.of(), 200L, null, 100)).isEmpty();
    }

    @Test
    void downsampling_counts_and_buckets_only_the_requested_range() {
        UUID job = running(1);
        write(
                job,
                "loss/d",
                LongStream.range(0, 1_000).mapToDouble(step -> step).toArray());

        // 11 points in range, more than 10: buckets span steps 500..510 only.
        List<MetricPoint> series = query.series(job, List.of(), 500L, 510L, 10).get("loss/d");

        assertThat(series).hasSizeLessThanOrEqualTo(10).hasSizeGreaterThan(2);
        assertThat(series)
                .extracting(MetricPoint::step)
                .allSatisfy(step -> assertThat(step).isBetween(500L, 510L));
        assertThat(series).extracting(MetricPoint::step).contains(500L, 510L);
    }

    @Test
    void names_filter_returns_only_the_requested_series() {
        UUID job = running(1);
        write(job, "loss/d", 1, 2);
        write(job, "loss/g", 3, 4);
        write(job, "loss/d/gradient-penalty", 5, 6);

        Map<String, List<MetricPoint>> series =
                query.series(job, List.of("loss/d", "loss/g", "loss/typo"), null, null, 10);

        assertThat(series.keySet()).containsExactly("loss/d", "loss/g");
        assertThat(series.get("loss/g")).extracting(MetricPoint::value).containsExactly(3.0, 4.0);
    }

    @Test
    void another_jobs_points_never_leak_into_a_series_or_its_names() {
        UUID job = running(1);
        UUID other = running(1);
        write(job, "loss/d", 1, 2);
        write(other, "loss/d", 7, 8, 9);
        write(other, "eval/fid", 10);

        assertThat(query.series(job, List.of(), null, null, 10))
                .isEqualTo(Map.of("loss/d", List.of(new MetricPoint("loss/d", 0, 1), new MetricPoint("loss/d", 1, 2))));
        assertThat(query.names(job)).containsExactly("loss/d");
    }

    @Test
    void names_lists_each_recorded_metric_once_sorted() {
        UUID job = running(1);
        write(job, "perf/steps-per-second", 1, 2, 3);
        write(job, "loss/g", 1, 2);
        write(job, "loss/d", 1);
        write(job, "eval/modes", 8, 8, 8, 8);

        assertThat(query.names(job)).containsExactly("eval/modes", "loss/d", "loss/g", "perf/steps-per-second");
        assertThat(query.names(running(1))).isEmpty();
    }

    @Test
    void fewer_than_two_max_points_is_refused() {
        UUID job = running(1);

        assertThatThrownBy(() -> query.series(job, List.of(), null, null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPoints");
    }

    /** Writes values at steps 0, 1, 2, … */
    private void write(UUID job, String name, double... values) {
        List<MetricPoint> points = new ArrayList<>();
        for (int step = 0; step < values.length; step++) {
            points.add(new MetricPoint(name, step, values[step]));
        }
        assertThat(writer.write(job, 1, points)).isTrue();
    }

    private static List<Long> steps(Map<String, List<MetricPoint>> series) {
        return series.get("loss/d").stream().map(MetricPoint::step).toList();
    }

    private static double smooth(long step) {
        return 1.0 + 0.1 * Math.sin(step / 100.0);
    }
}
