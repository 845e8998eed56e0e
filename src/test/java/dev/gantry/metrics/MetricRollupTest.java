package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.JDBC;
import static dev.gantry.metrics.MetricJobs.pointCount;
import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code metric_rollups} against the same aggregates computed directly from {@code metric_points}
 * with window functions, after the ways points really arrive: batches of every size, replays with
 * other values, stale writers, concurrent writers, and a job's deletion.
 */
class MetricRollupTest {

    final DataSource dataSource = TestDatabase.dataSource();
    final MetricWriter writer = new MetricWriter(dataSource);

    /** Each level's blocks recomputed from the stored points, in the rollup table's columns. */
    private static final String DIRECT = """
            WITH p AS (
                SELECT m.job_id, m.name, l.level, m.step >> l.level AS block, m.step, m.value
                FROM metric_points m
                CROSS JOIN unnest(:levels::int[]) AS l(level)
                WHERE m.job_id = :job
            )
            SELECT DISTINCT job_id, name, level::smallint AS level, block,
                   count(*) OVER w AS points,
                   first_value(step) OVER (w ORDER BY value, step) AS min_step,
                   first_value(value) OVER (w ORDER BY value, step) AS min_value,
                   first_value(step) OVER (w ORDER BY value DESC, step) AS max_step,
                   first_value(value) OVER (w ORDER BY value DESC, step) AS max_value,
                   first_value(step) OVER (w ORDER BY step DESC) AS last_step,
                   first_value(value) OVER (w ORDER BY step DESC) AS last_value
            FROM p
            WINDOW w AS (PARTITION BY job_id, name, level, block)
            """;

    @Test
    void rollups_equal_a_direct_computation_after_random_batches_and_replays() {
        SplittableRandom random = new SplittableRandom(7);
        UUID job = running(1);
        for (int batch = 0; batch < 60; batch++) {
            List<MetricPoint> points = new ArrayList<>();
            long start = random.nextInt(200_000);
            for (int i = 0; i < 1 + random.nextInt(400); i++) {
                String name = random.nextBoolean() ? "loss/d" : "loss/g";
                double value = random.nextInt(10) == 0 ? Double.NaN : random.nextInt(8) - 4;
                // Overlapping windows of steps: many points replay a stored step with a new value.
                points.add(new MetricPoint(name, start + random.nextInt(3_000), value));
            }
            assertThat(writer.write(job, 1, points)).isTrue();
        }

        assertThat(differences(job)).isZero();
        assertThat(JDBC.sql("SELECT count(*) FROM metric_rollups WHERE job_id = ? AND level = ?")
                        .params(job, MetricQuery.LEVELS[0])
                        .query(Long.class)
                        .single())
                .isGreaterThan(100);
    }

    @Test
    void a_retried_batch_leaves_every_rollup_row_as_it_was() {
        UUID job = running(1);
        List<MetricPoint> batch = IntStream.range(0, 500)
                .mapToObj(step -> new MetricPoint("loss/d", step, Math.sin(step)))
                .toList();
        writer.write(job, 1, batch);
        List<Map<String, Object>> before = rollups(job);

        List<MetricPoint> other = batch.stream()
                .map(p -> new MetricPoint(p.name(), p.step(), -100 - p.value()))
                .toList();
        assertThat(writer.write(job, 1, batch)).isTrue();
        assertThat(writer.write(job, 1, other)).isTrue();

        assertThat(rollups(job)).isEqualTo(before);
        assertThat(before).extracting(row -> row.get("points")).contains(500);
    }

    @Test
    void a_stale_writer_adds_nothing_to_the_rollups() {
        UUID job = running(2);

        assertThat(writer.write(job, 1, List.of(new MetricPoint("loss/d", 1, 0.5))))
                .isFalse();

        assertThat(rollups(job)).isEmpty();
    }

    @Test
    void concurrent_writers_of_one_series_neither_deadlock_nor_lose_an_update() throws Exception {
        UUID job = running(1);
        // Four writers on interleaved steps: every batch of each touches the same rollup rows.
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int offset = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int b = 0; b < 20; b++) {
                    List<MetricPoint> batch = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        long step = (b * 100L + i) * 4 + offset;
                        batch.add(new MetricPoint("loss/d", step, Math.cos(step * 0.37)));
                    }
                    assertThat(writer.write(job, 1, batch)).isTrue();
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(differences(job)).isZero();
        assertThat(JDBC.sql("SELECT points FROM metric_rollups WHERE job_id = ? AND level = ?")
                        .params(job, MetricQuery.LEVELS[MetricQuery.LEVELS.length - 1])
                        .query(Integer.class)
                        .single())
                .isEqualTo(8000);
    }

    @Test
    void deleting_jobs_deletes_their_points_and_rollups_and_no_one_elses() {
        UUID job = running(1);
        UUID second = running(1);
        UUID other = running(1);
        for (UUID id : List.of(job, second, other)) {
            writer.write(id, 1, List.of(new MetricPoint("loss/d", 1, 0.5), new MetricPoint("loss/g", 1, 0.5)));
        }

        JDBC.sql("DELETE FROM jobs WHERE id IN (?, ?)").params(job, second).update();

        assertThat(rollups(job)).isEmpty();
        assertThat(rollups(second)).isEmpty();
        assertThat(pointCount(job) + pointCount(second)).isZero();
        assertThat(rollups(other)).hasSize(2 * MetricQuery.LEVELS.length);
        assertThat(pointCount(other)).isEqualTo(2);
    }

    @Test
    void a_job_deleted_while_a_batch_is_written_waits_for_it_and_then_takes_its_points() throws Exception {
        UUID job = running(1);
        try (Connection writing = dataSource.getConnection()) {
            writing.setAutoCommit(false);
            try (PreparedStatement fence =
                    writing.prepareStatement("SELECT attempt FROM jobs WHERE id = ? FOR SHARE")) {
                fence.setObject(1, job);
                fence.executeQuery().close();
            }
            // What MetricWriter's transaction holds after its fence: a series and a point of it.
            try (PreparedStatement insert = writing.prepareStatement("""
                    WITH s AS (INSERT INTO metric_series (job_id, name) VALUES (?, 'loss/d') RETURNING id)
                    INSERT INTO series_points (series_id, step, value) SELECT id, 1, 0.5 FROM s
                    """)) {
                insert.setObject(1, job);
                insert.executeUpdate();
            }

            // The delete must wait for the writer's fence, so it cannot leave the points behind.
            CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(
                    () -> JDBC.sql("DELETE FROM jobs WHERE id = ?").param(job).update());
            MetricJobs.awaitLockWait("DELETE FROM jobs", delete);
            assertThat(delete).isNotDone();

            writing.commit();
            assertThat(delete.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(pointCount(job)).isZero();
        assertThat(rollups(job)).isEmpty();
        assertThat(JDBC.sql("SELECT count(*) FROM metric_series WHERE job_id = ?")
                        .param(job)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void the_migration_rolls_up_the_points_stored_before_it() {
        String url = TestDatabase.newDatabaseUrl();
        Flyway.configure()
                .dataSource(url, TestDatabase.username(), TestDatabase.password())
                .target("10")
                .load()
                .migrate();
        JdbcClient old =
                JdbcClient.create(new DriverManagerDataSource(url, TestDatabase.username(), TestDatabase.password()));
        UUID job = UUID.randomUUID();
        old.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps, attempt)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'before-v14', 'SUCCEEDED', '{}', 100000, 1)
                        """).param(job).update();
        old.sql("""
                        INSERT INTO metric_points (job_id, name, step, value)
                        SELECT ?, 'loss/' || (i % 3), i / 3, CASE WHEN i % 97 = 0 THEN 'NaN' ELSE sin(i) END
                        FROM generate_series(0, 29999) AS i
                        """).param(job).update();

        Flyway.configure()
                .dataSource(url, TestDatabase.username(), TestDatabase.password())
                .load()
                .migrate();

        // V16 moved the points to series_points under series ids: all of them, readable as before.
        assertThat(old.sql("SELECT count(*) FROM metric_points WHERE job_id = ?")
                        .param(job)
                        .query(Long.class)
                        .single())
                .isEqualTo(30_000);
        assertThat(old.sql("SELECT count(*) FROM metric_series WHERE job_id = ?")
                        .param(job)
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        assertThat(differences(old, job)).isZero();
        assertThat(old.sql("SELECT sum(points) FROM metric_rollups WHERE job_id = ? AND level = ?")
                        .params(job, MetricQuery.LEVELS[0])
                        .query(Long.class)
                        .single())
                .isEqualTo(30_000);
    }

    /** Rows in one table and not in the other, both ways. */
    private static long differences(UUID job) {
        return differences(JDBC, job);
    }

    private static long differences(JdbcClient jdbc, UUID job) {
        return jdbc.sql("WITH direct AS (" + DIRECT + "), stored AS (SELECT * FROM metric_rollups WHERE job_id = :job)"
                        + " SELECT (SELECT count(*) FROM (SELECT * FROM direct EXCEPT SELECT * FROM stored) a)"
                        + " + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM direct) b)")
                .param("job", job)
                .param("levels", MetricQuery.LEVELS)
                .query(Long.class)
                .single();
    }

    private static List<Map<String, Object>> rollups(UUID job) {
        return JDBC.sql("SELECT * FROM metric_rollups WHERE job_id = ? ORDER BY name, level, block")
                .param(job)
                .query()
                .listOfRows();
    }
}
