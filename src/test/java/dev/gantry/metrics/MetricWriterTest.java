package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.pointCount;
import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MetricWriterTest {

    final DataSource dataSource = TestDatabase.dataSource();
    final MetricWriter writer = new MetricWriter(dataSource);
    final MetricQuery query = new MetricQuery(dataSource);

    @Test
    void writes_a_batch_and_reads_it_back_exactly() {
        UUID job = running(1);

        boolean written = writer.write(
                job,
                1,
                List.of(
                        new MetricPoint("loss/d", 1, 0.5),
                        new MetricPoint("loss/d", 2, 0.25),
                        new MetricPoint("loss/g", 1, -1.5e-300)));

        assertThat(written).isTrue();
        assertThat(query.series(job, List.of(), null, null, 100))
                .isEqualTo(Map.of(
                        "loss/d", List.of(new MetricPoint("loss/d", 1, 0.5), new MetricPoint("loss/d", 2, 0.25)),
                        "loss/g", List.of(new MetricPoint("loss/g", 1, -1.5e-300))));
    }

    @Test
    void non_finite_values_are_kept_because_divergence_is_recorded_that_way() {
        UUID job = running(1);

        writer.write(
                job,
                1,
                List.of(
                        new MetricPoint("loss/d", 1, Double.NaN),
                        new MetricPoint("loss/d", 2, Double.POSITIVE_INFINITY),
                        new MetricPoint("loss/d", 3, Double.NEGATIVE_INFINITY)));

        assertThat(query.series(job, List.of("loss/d"), null, null, 10).get("loss/d"))
                .extracting(MetricPoint::value)
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void rewriting_steps_that_exist_is_a_no_op_and_the_first_value_stays() {
        UUID job = running(1);
        writer.write(job, 1, List.of(new MetricPoint("loss/d", 10, 1.0), new MetricPoint("loss/d", 11, 2.0)));

        boolean again = writer.write(
                job,
                1,
                List.of(
                        new MetricPoint("loss/d", 10, 99.0),
                        new MetricPoint("loss/d", 11, 99.0),
                        new MetricPoint("loss/d", 12, 3.0)));

        assertThat(again).isTrue();
        assertThat(query.series(job, List.of(), null, null, 100).get("loss/d"))
                .containsExactly(
                        new MetricPoint("loss/d", 10, 1.0),
                        new MetricPoint("loss/d", 11, 2.0),
                        new MetricPoint("loss/d", 12, 3.0));
    }

    @Test
    void a_batch_that_repeats_a_step_is_stored_once_instead_of_failing() {
        UUID job = running(1);

        boolean written =
                writer.write(job, 1, List.of(new MetricPoint("loss/d", 5, 1.0), new MetricPoint("loss/d", 5, 1.0)));

        assertThat(written).isTrue();
        assertThat(pointCount(job)).isEqualTo(1);
    }

    @Test
    void a_worker_with_a_stale_attempt_writes_nothing() {
        UUID job = running(2);

        boolean written = writer.write(job, 1, List.of(new MetricPoint("loss/d", 1, 0.5)));

        assertThat(written).isFalse();
        assertThat(pointCount(job)).isZero();
    }

    @Test
    void an_attempt_ahead_of_the_job_is_refused_too() {
        UUID job = running(2);

        assertThat(writer.write(job, 3, List.of(new MetricPoint("loss/d", 1, 0.5))))
                .isFalse();
        assertThat(pointCount(job)).isZero();
    }

    @Test
    void writing_for_a_job_that_does_not_exist_returns_false() {
        assertThat(writer.write(UUID.randomUUID(), 1, List.of(new MetricPoint("loss/d", 1, 0.5))))
                .isFalse();
    }

    @Test
    void an_empty_batch_still_reports_whether_the_lease_is_held() {
        UUID job = running(2);

        assertThat(writer.write(job, 2, List.of())).isTrue();
        assertThat(writer.write(job, 1, List.of())).isFalse();
    }

    @Test
    void a_write_racing_an_attempt_bump_waits_for_it_and_then_writes_nothing() throws Exception {
        UUID job = running(1);
        try (Connection scheduler = dataSource.getConnection()) {
            scheduler.setAutoCommit(false);
            try (PreparedStatement bump =
                    scheduler.prepareStatement("UPDATE jobs SET attempt = attempt + 1 WHERE id = ?")) {
                bump.setObject(1, job);
                assertThat(bump.executeUpdate()).isEqualTo(1);
            }

            // The old worker checks its attempt while the bump is still uncommitted. A plain
            // SELECT would read the committed attempt 1 and write; FOR SHARE must wait instead.
            CompletableFuture<Boolean> staleWrite = CompletableFuture.supplyAsync(
                    () -> writer.write(job, 1, List.of(new MetricPoint("loss/d", 1, 0.5))));
            MetricJobs.awaitLockWait("FOR SHARE", staleWrite);

            scheduler.commit();
            assertThat(staleWrite.get(10, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(pointCount(job)).isZero();
    }

    /**
     * Two writers of one job meet on a new series: the other's creation is uncommitted when this
     * writer inserts the series, so its {@code ON CONFLICT DO NOTHING} waits, then skips. Looking
     * the id up in that same statement's snapshot would miss the row and lose the points.
     */
    @Test
    void a_series_created_by_a_concurrent_batch_is_found_once_that_batch_commits() throws Exception {
        UUID job = running(1);
        long series;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement create = other.prepareStatement(
                    "INSERT INTO metric_series (job_id, name) VALUES (?, 'loss/d') RETURNING id")) {
                create.setObject(1, job);
                try (var rs = create.executeQuery()) {
                    rs.next();
                    series = rs.getLong(1);
                }
            }
            CompletableFuture<Boolean> write = CompletableFuture.supplyAsync(
                    () -> writer.write(job, 1, List.of(new MetricPoint("loss/d", 7, 0.5))));
            MetricJobs.awaitLockWait("INSERT INTO metric_series", write);

            other.commit();
            assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(MetricJobs.JDBC
                        .sql("SELECT series_id FROM series_points WHERE series_id = ? AND step = 7")
                        .param(series)
                        .query(Long.class)
                        .list())
                .containsExactly(series);
        assertThat(query.names(job)).containsExactly("loss/d");
    }

    /** MetricWriter is the one path that keeps rollups and stream events with the points (V16). */
    @Test
    void the_metric_points_view_refuses_inserts_that_would_bypass_the_writer() {
        UUID job = running(1);
        assertThatThrownBy(() -> MetricJobs.JDBC
                        .sql("INSERT INTO metric_points (job_id, name, step, value) VALUES (?, 'loss/d', 1, 0.5)")
                        .param(job)
                        .update())
                .hasMessageContaining("metric_points");
        assertThat(pointCount(job)).isZero();
    }
}
