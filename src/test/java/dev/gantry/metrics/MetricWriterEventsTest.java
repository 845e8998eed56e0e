package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.JDBC;
import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The stream events that {@link MetricWriter} writes in its own statement
 * (V16: no trigger on the points any more): one metrics event per batch with exactly the points it
 * inserted, one evaluation event per evaluated step, nothing for a replay or a refused write, and
 * the NOTIFY that wakes the sequencers of every server.
 */
class MetricWriterEventsTest {

    private final MetricWriter writer = new MetricWriter(TestDatabase.dataSource());

    @Test
    void each_batch_is_one_metrics_event_with_exactly_the_points_it_inserted() {
        UUID job = running(1);
        List<MetricPoint> first = batch(0, 100);
        assertThat(writer.write(job, 1, first)).isTrue();
        // Half replayed (steps 50..99), half new (100..149): only the new half is news.
        assertThat(writer.write(job, 1, batch(50, 100))).isTrue();
        // Entirely replayed: no event at all.
        assertThat(writer.write(job, 1, first)).isTrue();

        List<Map<String, Object>> events = JDBC.sql("""
                        SELECT json_array_length(data -> 'points') AS points,
                               (data -> 'points' -> 0 ->> 'step')::bigint AS first_step,
                               data ->> 'jobId' AS job_id
                        FROM stream_events WHERE job_id = ? AND type = 'metrics' ORDER BY id
                        """).param(job).query().listOfRows();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).containsEntry("points", 200).containsEntry("first_step", 0L);
        assertThat(events.get(1)).containsEntry("points", 100).containsEntry("first_step", 100L);
        assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("job_id", job.toString()));
        // Points in (step, name) order, with their values.
        assertThat(JDBC.sql("""
                        SELECT (data -> 'points' -> 1)::jsonb::text FROM stream_events
                        WHERE job_id = ? AND type = 'metrics' ORDER BY id LIMIT 1
                        """).param(job).query(String.class).single())
                .isEqualTo("{\"name\": \"loss/g\", \"step\": 0, \"value\": 2.5}");
        assertThat(MetricJobs.pointCount(job)).isEqualTo(300);
    }

    @Test
    void an_event_built_by_the_server_for_a_partial_batch_equals_the_writers_own_for_a_whole_one() {
        List<MetricPoint> points = List.of(
                new MetricPoint("loss/g", 7, 0.1 + 0.2),
                new MetricPoint("loss/d", 7, Double.NaN),
                new MetricPoint("loss/d", 3, Double.NEGATIVE_INFINITY),
                new MetricPoint("loss/d", 5, -1.25e-7),
                new MetricPoint("eval/fid", 5, 12));
        UUID whole = running(1);
        UUID partial = running(1);
        assertThat(writer.write(whole, 1, points)).isTrue();
        // A repeated step is stored once, so not every point of this batch is inserted.
        List<MetricPoint> repeated = new ArrayList<>(points);
        repeated.add(new MetricPoint("loss/d", 5, 99));
        assertThat(writer.write(partial, 1, repeated)).isTrue();

        String eventPoints =
                "SELECT (data -> 'points')::jsonb FROM stream_events WHERE job_id = ? AND type = 'metrics'";
        String expected = "[{\"name\": \"loss/d\", \"step\": 3, \"value\": null},"
                + " {\"name\": \"loss/d\", \"step\": 5, \"value\": -1.25E-7},"
                + " {\"name\": \"loss/d\", \"step\": 7, \"value\": null},"
                + " {\"name\": \"loss/g\", \"step\": 7, \"value\": 0.30000000000000004}]";
        assertThat(JDBC.sql("SELECT (" + eventPoints + ") = ?::jsonb")
                        .params(whole, expected)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(JDBC.sql("SELECT (" + eventPoints + ") = ?::jsonb")
                        .params(partial, expected)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        // An SSE data field is one line: json keeps the text as built, so no builder may break it.
        assertThat(JDBC.sql("SELECT data::text FROM stream_events WHERE job_id IN (?, ?)")
                        .params(whole, partial)
                        .query(String.class)
                        .list())
                .hasSize(6)
                .noneMatch(data -> data.contains("\n"));
    }

    @Test
    void evaluations_are_one_event_per_step_after_that_steps_metrics_and_nan_is_null() {
        UUID job = running(1);
        assertThat(writer.write(
                        job,
                        1,
                        List.of(
                                new MetricPoint("loss/d", 10, 0.5),
                                new MetricPoint("eval/fid", 10, 31.5),
                                new MetricPoint("eval/kid", 10, Double.NaN),
                                new MetricPoint("eval/fid", 20, 30.25))))
                .isTrue();

        List<Map<String, Object>> events = JDBC.sql("""
                        SELECT type, data ->> 'step' AS step, data -> 'metrics' ->> 'eval/fid' AS fid,
                               json_typeof(data -> 'metrics' -> 'eval/kid') AS kid
                        FROM stream_events WHERE job_id = ? AND type <> 'state' ORDER BY id
                        """).param(job).query().listOfRows();
        assertThat(events).extracting(e -> e.get("type")).containsExactly("metrics", "evaluation", "evaluation");
        assertThat(events.get(1)).containsEntry("step", "10").containsEntry("fid", "31.5");
        assertThat(events.get(1)).containsEntry("kid", "null");
        assertThat(events.get(2)).containsEntry("step", "20").containsEntry("fid", "30.25");
    }

    private static final double[] ZEROS = {-0.0, 0.0, Double.NaN};

    @Test
    void the_copy_path_and_the_replay_statement_add_the_same_rollups_and_events() {
        SplittableRandom random = new SplittableRandom(11);
        String[] names = {"loss/d", "loss/g", "eval/fid", "eval/modes"};
        double[] awkward = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e-300, 2.5};
        for (int trial = 0; trial < 6; trial++) {
            UUID copied = running(1);
            UUID replayed = running(1);
            long next = random.nextInt(1_000);
            // Two batches per job: the second merges into rollup rows the first wrote.
            for (int batch = 0; batch < 2; batch++) {
                List<MetricPoint> points = new ArrayList<>();
                for (int i = 0; i < 1 + random.nextInt(300); i++, next += 1 + random.nextInt(90)) {
                    for (String name : names) {
                        if (name.startsWith("eval/") && random.nextInt(20) != 0) {
                            continue;
                        }
                        // Few distinct values, so lowest and highest tie often and ties go by step;
                        // every other trial only zeros of both signs and NaN, which float8 ties.
                        double value = trial % 2 == 1
                                ? ZEROS[random.nextInt(ZEROS.length)]
                                : random.nextInt(3) == 0
                                        ? awkward[random.nextInt(awkward.length)]
                                        : random.nextInt(5) - 2;
                        points.add(new MetricPoint(name, next, value));
                    }
                }
                Collections.shuffle(points, new Random(random.nextLong()));
                assertThat(writer.write(copied, 1, points, true)).isTrue();
                assertThat(writer.write(replayed, 1, points, false)).isTrue();
            }
            String rollups = """
                    SELECT name, level, block, points, min_step, min_value, max_step, max_value, last_step, last_value
                    FROM metric_rollups WHERE job_id = ? ORDER BY name, level, block
                    """;
            assertThat(JDBC.sql(rollups).param(copied).query().listOfRows())
                    .isNotEmpty()
                    .isEqualTo(JDBC.sql(rollups).param(replayed).query().listOfRows());
            // Compared as jsonb, not as text: the database and Jackson print numbers differently.
            assertThat(JDBC.sql("""
                            WITH a AS (
                                SELECT row_number() OVER (ORDER BY id) AS n, type, data::jsonb - 'jobId' AS data
                                FROM stream_events WHERE job_id = :copied AND type <> 'state'
                            ),
                            b AS (
                                SELECT row_number() OVER (ORDER BY id) AS n, type, data::jsonb - 'jobId' AS data
                                FROM stream_events WHERE job_id = :replayed AND type <> 'state'
                            )
                            SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b), count(*)
                            FROM a FULL JOIN b USING (n)
                            """)
                            .param("copied", copied)
                            .param("replayed", replayed)
                            .query((rs, row) -> List.of(rs.getLong(1), rs.getLong(2)))
                            .single())
                    .satisfies(counts -> assertThat(counts.get(1)).isGreaterThan(2))
                    .element(0)
                    .isEqualTo(0L);
            assertThat(JDBC.sql("SELECT count(*) FROM stream_events WHERE job_id = ? AND data ->> 'jobId' <> ?")
                            .params(copied, copied.toString())
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    @Test
    void a_refused_write_sends_nothing_and_a_written_one_notifies_on_commit() throws SQLException {
        UUID job = running(2);
        try (Connection listener = TestDatabase.dataSource().getConnection()) {
            listener.createStatement().execute("LISTEN gantry_stream_pending");
            assertThat(writer.write(job, 1, batch(0, 10))).isFalse();
            assertThat(notifications(listener, 300)).isEmpty();
            assertThat(JDBC.sql("SELECT count(*) FROM stream_events WHERE job_id = ? AND type = 'metrics'")
                            .param(job)
                            .query(Long.class)
                            .single())
                    .isZero();

            assertThat(writer.write(job, 2, batch(0, 10))).isTrue();
            assertThat(notifications(listener, 10_000)).isNotEmpty();
        }
    }

    /** Two names per step, {@code loss/d} and {@code loss/g}, for {@code count} steps from {@code from}. */
    private static List<MetricPoint> batch(long from, int count) {
        List<MetricPoint> points = new ArrayList<>();
        for (long step = from; step < from + count; step++) {
            points.add(new MetricPoint("loss/g", step, 2.5 + step));
            points.add(new MetricPoint("loss/d", step, 1.0 + step));
        }
        return points;
    }

    private static List<PGNotification> notifications(Connection listener, int millis) throws SQLException {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(millis);
        return got == null ? List.of() : List.of(got);
    }
}
