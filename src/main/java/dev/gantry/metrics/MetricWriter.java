package dev.gantry.metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a worker's metric points, fenced by the job's attempt number.
 *
 * <p>A batch is one transaction. Its points go in by {@code COPY} and, in one more statement, what
 * they add: their rows of {@code metric_rollups} (what lets {@link MetricQuery} draw a curve of
 * millions of points from a few thousand rows), the batch's stream events and the operator sample
 * (V16), all computed here from the batch. This class is the one write path into {@code
 * series_points}, which has no trigger.
 *
 * <p>Writes are idempotent: a point for a (series, step) that exists already is skipped, so a
 * retried batch or a resumed run that replays steps since its checkpoint changes nothing (first
 * write wins). {@code COPY} cannot skip a row, so such a batch fails on the primary key and is
 * written again by {@link #INSERT_POINTS}, which skips the stored points and adds what the others
 * add; only replays pay for it.
 */
@Component
public class MetricWriter {

    // FOR SHARE, not a plain read: the scheduler bumps the attempt with an UPDATE, which must wait
    // for this lock. Without it a lease could be taken away between this check and the insert,
    // and the old worker would still write a batch after its successor started. The lock is also
    // what keeps the job row alive until the points commit: points and series have no foreign key
    // to jobs (V14, V16), so this check is the only proof that the job exists.
    private static final String LOCK_ATTEMPT = """
            SELECT attempt, project_id
            FROM jobs
            WHERE id = ?
            FOR SHARE
            """;

    // Two statements: the SELECT's fresh snapshot sees a series that a concurrent batch of the
    // same job committed while the INSERT waited on it and skipped it.
    private static final String CREATE_SERIES = """
            INSERT INTO metric_series (job_id, name)
            SELECT ?, n FROM unnest(?::text[]) AS n ORDER BY n
            ON CONFLICT (job_id, name) DO NOTHING
            """;

    private static final String FIND_SERIES = """
            SELECT name, id FROM metric_series WHERE job_id = ? AND name = ANY (?::text[])
            """;

    /** Adds a block's new points to its stored row; (value, step) pairs compared as the aggregates do, NaN highest. */
    private static final String MERGE_ROLLUPS = """
                ON CONFLICT (job_id, name, level, block) DO UPDATE SET
                    points = r.points + excluded.points,
                    min_value = (least(ARRAY[r.min_value, r.min_step], ARRAY[excluded.min_value, excluded.min_step]))[1],
                    min_step = (least(ARRAY[r.min_value, r.min_step], ARRAY[excluded.min_value, excluded.min_step]))[2],
                    max_value = (greatest(ARRAY[r.max_value, -r.max_step], ARRAY[excluded.max_value, -excluded.max_step]))[1],
                    max_step = -(greatest(ARRAY[r.max_value, -r.max_step], ARRAY[excluded.max_value, -excluded.max_step]))[2],
                    last_value = (greatest(ARRAY[r.last_step, r.last_value], ARRAY[excluded.last_step, excluded.last_value]))[2],
                    last_step = (greatest(ARRAY[r.last_step, r.last_value], ARRAY[excluded.last_step, excluded.last_value]))[1]
            """;

    /**
     * The write of a batch some of whose steps are stored already (a retry, or a run resumed from
     * its checkpoint replaying steps). The points, then from the ones ON CONFLICT did not skip
     * (RETURNING; a replayed step changes no rollup and sends no event): the rollups of levels 6,
     * 9, 12 and 15 (see V14), one metrics event for the batch and one evaluation event per
     * evaluated step (see V13), and the operator sample (V6). Data-modifying CTEs run to completion
     * whether or not the last SELECT reads them. Parameters: series ids, steps, values, protocols;
     * the batch's series ids and names; job, project.
     */
    static final String INSERT_POINTS = """
            WITH inserted AS (
                INSERT INTO series_points (series_id, step, value, protocol)
                SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::float8[], ?::text[])
                ON CONFLICT (series_id, step) DO NOTHING
                RETURNING series_id, step, value
            ),
            series AS (
                SELECT * FROM unnest(?::bigint[], ?::text[]) AS s(id, name)
            ),
            job AS (
                SELECT ?::uuid AS id, ?::uuid AS project_id
            ),
            named AS (
                SELECT s.name, i.step, i.value
                FROM inserted i
                JOIN series s ON s.id = i.series_id
            ),
            finest AS (
                SELECT name, step >> 6 AS block, count(*) AS points,
                       min(ARRAY[value, step]) AS lowest,
                       max(ARRAY[value, -step]) AS highest,
                       max(ARRAY[step, value]) AS last
                FROM named
                GROUP BY name, step >> 6
            ),
            blocks AS (
                SELECT name, 6 AS level, block, points, lowest, highest, last
                FROM finest
                UNION ALL
                SELECT f.name, l.level, f.block >> (l.level - 6), sum(f.points),
                       min(f.lowest), max(f.highest), max(f.last)
                FROM finest f
                CROSS JOIN unnest('{9, 12, 15}'::int[]) AS l(level)
                GROUP BY f.name, l.level, f.block >> (l.level - 6)
            ),
            rollups AS (
                INSERT INTO metric_rollups AS r
                    (job_id, name, level, block, points, min_step, min_value, max_step, max_value, last_step, last_value)
                SELECT (SELECT id FROM job), name, level, block, points,
                       lowest[2]::bigint, lowest[1], (-highest[2])::bigint, highest[1], last[1]::bigint, last[2]
                FROM blocks
                -- One lock order for every writer: two transactions adding points to the same
                -- series update its rollup rows in the same order, so they queue, not deadlock.
                ORDER BY name, level, block
            """ + MERGE_ROLLUPS + """
            ),
            events AS (
                INSERT INTO stream_events (project_id, job_id, type, data)
                SELECT (SELECT project_id FROM job), (SELECT id FROM job), e.type, e.data
                FROM (SELECT 'metrics' AS type, min(step) AS step,
                             json_build_object('jobId', (SELECT id FROM job), 'points',
                                     json_agg(json_build_object('name', name, 'step', step, 'value', stream_number(value))
                                              ORDER BY step, name)) AS data
                      FROM named WHERE name NOT LIKE 'eval/%'
                      HAVING count(*) > 0
                      UNION ALL
                      SELECT 'evaluation', step,
                             json_build_object('jobId', (SELECT id FROM job), 'step', step,
                                                'metrics', json_object_agg(name, stream_number(value) ORDER BY name))
                      FROM named WHERE name LIKE 'eval/%' GROUP BY step) e
                ORDER BY e.step, e.type DESC
                RETURNING 1
            ),
            sample AS (
                INSERT INTO operator_samples (meter, value)
                SELECT 'points', count(*) FROM inserted HAVING count(*) > 0
            )
            -- One notification per transaction (PostgreSQL folds equal ones) wakes the sequencers.
            -- pg_notify is volatile, so the planner keeps it although nothing reads its column.
            SELECT (SELECT count(*) FROM inserted) AS written,
                   (SELECT count(*) FROM (SELECT pg_notify('gantry_stream_pending', '') FROM events LIMIT 1) n) AS notified
            """;

    /**
     * What {@link #INSERT_POINTS} adds beside the points, for a batch that {@code COPY} stored
     * whole: the rollups and the stream events as the writer computed them ({@link BatchRollups},
     * {@link #events}), the operator sample and the notification. Parameters: job; the rollup rows
     * as columns (name, level, block, points, min step, min value, max step, max value, last step,
     * last value); project and job; event types and data; the number of points.
     */
    private static final String ADD_BESIDE_POINTS = """
            WITH rollups AS (
                INSERT INTO metric_rollups AS r
                    (job_id, name, level, block, points, min_step, min_value, max_step, max_value, last_step, last_value)
                SELECT ?::uuid, *
                FROM unnest(?::text[], ?::smallint[], ?::bigint[], ?::int[], ?::bigint[], ?::float8[],
                            ?::bigint[], ?::float8[], ?::bigint[], ?::float8[])
                    AS b(name, level, block, points, min_step, min_value, max_step, max_value, last_step, last_value)
                -- The lock order of INSERT_POINTS, in the database's collation.
                ORDER BY name, level, block
            """ + MERGE_ROLLUPS + """
            ),
            events AS (
                INSERT INTO stream_events (project_id, job_id, type, data)
                SELECT ?::uuid, ?::uuid, e.type, e.data::json
                FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(type, data, ordinality)
                ORDER BY e.ordinality
                RETURNING 1
            ),
            sample AS (
                INSERT INTO operator_samples (meter, value) VALUES ('points', ?)
            )
            SELECT (SELECT count(*) FROM (SELECT pg_notify('gantry_stream_pending', '') FROM events LIMIT 1) n)
            """;

    private static final String INSERT_PROTOCOLS = """
            INSERT INTO eval_protocols (id, protocol)
            SELECT p.id, p.protocol::jsonb
            FROM unnest(?::text[], ?::text[]) AS p(id, protocol)
            ON CONFLICT (id) DO NOTHING
            """;

    /** Series ids known to be committed; far more than one worker's series, so rarely cleared. */
    private static final int CACHED_SERIES = 100_000;

    private static final String COPY_POINTS = "COPY series_points (series_id, step, value, protocol) FROM STDIN";

    private static final String UNIQUE_VIOLATION = "23505";

    private static final SQLExceptionTranslator TRANSLATOR = new SQLExceptionSubclassTranslator();

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    // A series id is immutable and lives as long as its job, and a write reaches a cached id only
    // after its fence has proved the job still exists. Ids enter the cache only once the
    // transaction that read (or created) them has committed: a rolled-back creation must not
    // leave an id that no row holds.
    private final Map<SeriesKey, Long> series = new ConcurrentHashMap<>();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record SeriesKey(UUID job, String name) {}

    private record Fence(int attempt, UUID project) {}

    public MetricWriter(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
    }

    /**
     * Writes the points in one transaction if {@code attempt} is still the job's attempt.
     *
     * @return false, with nothing written, when the job is gone or has moved on to another
     *     attempt: the caller lost its lease and should stop the run
     */
    public boolean write(UUID jobId, int attempt, List<MetricPoint> points) {
        try {
            return write(jobId, attempt, points, true);
        } catch (StoredAlready replay) {
            // A retried batch, or a resumed run replaying the steps since its checkpoint: the
            // statement that skips stored points and computes what it adds from the rest.
            return write(jobId, attempt, points, false);
        }
    }

    /**
     * One try at the batch. With {@code copy}, the points go in by {@code COPY}, which refuses the
     * whole batch (the transaction rolls back, {@link StoredAlready}) when one of its steps is
     * stored already; so when it succeeds every point was inserted and the writer's own rollups
     * and events are the batch's. Otherwise one {@link #INSERT_POINTS} statement.
     */
    boolean write(UUID jobId, int attempt, List<MetricPoint> points, boolean copy) {
        int n = points.size();
        String[] names = new String[n];
        long[] steps = new long[n];
        double[] values = new double[n];
        String[] protocolIds = new String[n];
        Map<String, String> protocols = new LinkedHashMap<>();
        Map<String, Long> batchSeries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            MetricPoint point = points.get(i);
            names[i] = point.name();
            steps[i] = point.step();
            values[i] = point.value();
            batchSeries.putIfAbsent(point.name(), series.get(new SeriesKey(jobId, point.name())));
            if (point.protocol() != null) {
                String json = point.protocol().json();
                protocolIds[i] = point.protocol().id();
                protocols.putIfAbsent(protocolIds[i], json);
            }
        }
        boolean[] looked = {false};
        Boolean written = transactions.execute(status -> {
            Optional<Fence> fence = jdbc.sql(LOCK_ATTEMPT)
                    .param(jobId)
                    .query((rs, row) -> new Fence(rs.getInt(1), rs.getObject(2, UUID.class)))
                    .optional();
            if (fence.isEmpty() || fence.get().attempt() != attempt) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            if (batchSeries.containsValue(null)) {
                resolveSeries(jobId, batchSeries);
                looked[0] = true;
            }
            if (!protocols.isEmpty()) {
                // Before the points that reference them, in the same transaction.
                jdbc.sql(INSERT_PROTOCOLS)
                        .params(
                                protocols.keySet().toArray(String[]::new),
                                protocols.values().toArray(String[]::new))
                        .update();
            }
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = batchSeries.get(names[i]);
            }
            if (copy) {
                copyPoints(ids, steps, values, protocolIds);
                addBesidePoints(jobId, fence.get().project(), points);
                return true;
            }
            jdbc.sql(INSERT_POINTS)
                    .params(
                            ids,
                            steps,
                            values,
                            protocolIds,
                            batchSeries.values().stream()
                                    .mapToLong(Long::longValue)
                                    .toArray(),
                            batchSeries.keySet().toArray(String[]::new),
                            jobId,
                            fence.get().project())
                    .query((rs, row) -> rs.getLong(1))
                    .single();
            return true;
        });
        if (looked[0] && Boolean.TRUE.equals(written)) {
            if (series.size() > CACHED_SERIES) {
                series.clear();
            }
            batchSeries.forEach((name, id) -> series.put(new SeriesKey(jobId, name), id));
        }
        return Boolean.TRUE.equals(written);
    }

    /** The points by COPY, on the transaction's connection; a stored step throws {@link StoredAlready}. */
    private void copyPoints(long[] ids, long[] steps, double[] values, String[] protocolIds) {
        StringBuilder rows = new StringBuilder(ids.length * 40);
        for (int i = 0; i < ids.length; i++) {
            rows.append(ids[i])
                    .append('\t')
                    .append(steps[i])
                    .append('\t')
                    .append(values[i])
                    .append('\t');
            // A protocol id is hex digits (MetricProtocol.id): nothing COPY's text format escapes.
            rows.append(protocolIds[i] == null ? "\\N" : protocolIds[i]);
            rows.append('\n');
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            COPY_POINTS,
                            new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StoredAlready();
            }
            throw Objects.requireNonNull(TRANSLATOR.translate("COPY series_points", COPY_POINTS, e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addBesidePoints(UUID jobId, UUID project, List<MetricPoint> points) {
        List<BatchRollups.Row> rows = new BatchRollups(points).rows;
        int r = rows.size();
        String[] names = new String[r];
        short[] levels = new short[r];
        long[] blocks = new long[r];
        int[] counts = new int[r];
        long[] minSteps = new long[r];
        double[] minValues = new double[r];
        long[] maxSteps = new long[r];
        double[] maxValues = new double[r];
        long[] lastSteps = new long[r];
        double[] lastValues = new double[r];
        for (int i = 0; i < r; i++) {
            BatchRollups.Row row = rows.get(i);
            names[i] = row.name();
            levels[i] = (short) row.level();
            blocks[i] = row.block();
            counts[i] = row.points();
            minSteps[i] = row.minStep();
            minValues[i] = row.minValue();
            maxSteps[i] = row.maxStep();
            maxValues[i] = row.maxValue();
            lastSteps[i] = row.lastStep();
            lastValues[i] = row.lastValue();
        }
        List<Map.Entry<String, String>> events = events(jobId, points);
        jdbc.sql(ADD_BESIDE_POINTS)
                .params(
                        jobId,
                        names,
                        levels,
                        blocks,
                        counts,
                        minSteps,
                        minValues,
                        maxSteps,
                        maxValues,
                        lastSteps,
                        lastValues,
                        project,
                        jobId,
                        events.stream().map(Map.Entry::getKey).toArray(String[]::new),
                        events.stream().map(Map.Entry::getValue).toArray(String[]::new),
                        points.size())
                .query((rs, row) -> rs.getLong(1))
                .single();
    }

    /**
     * The batch's stream events as (type, data), in the order {@link #INSERT_POINTS} inserts them:
     * by step, the metrics event (at its first step) before an evaluation of the same step.
     * Written with the streaming generator: binding records and maps took longer than the
     * database spent storing the events.
     */
    private static List<Map.Entry<String, String>> events(UUID jobId, List<MetricPoint> points) {
        List<MetricPoint> metrics = new ArrayList<>(points.size());
        List<MetricPoint> evaluations = new ArrayList<>();
        for (MetricPoint p : points) {
            (p.name().startsWith("eval/") ? evaluations : metrics).add(p);
        }
        metrics.sort(BY_STEP_THEN_NAME);
        evaluations.sort(BY_STEP_THEN_NAME);
        List<Map.Entry<String, String>> events = new ArrayList<>();
        String job = jobId.toString();
        boolean metricsListed = metrics.isEmpty();
        for (int i = 0; i < evaluations.size(); ) {
            long step = evaluations.get(i).step();
            if (!metricsListed && metrics.get(0).step() <= step) {
                events.add(Map.entry("metrics", metricsEvent(job, metrics)));
                metricsListed = true;
            }
            StringWriter text = new StringWriter(256);
            try (JsonGenerator json = JSON.createGenerator(text)) {
                json.writeStartObject();
                json.writeName("jobId");
                json.writeString(job);
                json.writeName("step");
                json.writeNumber(step);
                json.writeName("metrics");
                json.writeStartObject();
                for (; i < evaluations.size() && evaluations.get(i).step() == step; i++) {
                    json.writeName(evaluations.get(i).name());
                    writeValue(json, evaluations.get(i).value());
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            events.add(Map.entry("evaluation", text.toString()));
        }
        if (!metricsListed) {
            events.add(Map.entry("metrics", metricsEvent(job, metrics)));
        }
        return events;
    }

    private static final Comparator<MetricPoint> BY_STEP_THEN_NAME =
            Comparator.comparingLong(MetricPoint::step).thenComparing(MetricPoint::name);

    private static String metricsEvent(String job, List<MetricPoint> sorted) {
        StringWriter text = new StringWriter(sorted.size() * 48 + 64);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeName("jobId");
            json.writeString(job);
            json.writeName("points");
            json.writeStartArray();
            for (MetricPoint p : sorted) {
                json.writeStartObject();
                json.writeName("name");
                json.writeString(p.name());
                json.writeName("step");
                json.writeNumber(p.step());
                json.writeName("value");
                writeValue(json, p.value());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return text.toString();
    }

    /** A value JSON cannot hold (NaN, ±Infinity) as null, as {@code stream_number} does (V13). */
    private static void writeValue(JsonGenerator json, double value) {
        if (Double.isFinite(value)) {
            json.writeNumber(value);
        } else {
            json.writeNull();
        }
    }

    /** Thrown out of a transaction to roll it back when COPY found a step of the batch stored already. */
    private static final class StoredAlready extends RuntimeException {
        StoredAlready() {
            super(null, null, false, false);
        }
    }

    /** Fills in the ids of the batch's series that are not cached, creating the new ones. */
    private void resolveSeries(UUID jobId, Map<String, Long> batchSeries) {
        String[] missing = batchSeries.entrySet().stream()
                .filter(e -> e.getValue() == null)
                .map(Map.Entry::getKey)
                .toArray(String[]::new);
        jdbc.sql(CREATE_SERIES).params(jobId, missing).update();
        jdbc.sql(FIND_SERIES)
                .params(jobId, missing)
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list()
                .forEach(e -> batchSeries.put(e.getKey(), e.getValue()));
        if (batchSeries.containsValue(null)) {
            throw new IllegalStateException("a series of job " + jobId + " was neither created nor found");
        }
    }
}
