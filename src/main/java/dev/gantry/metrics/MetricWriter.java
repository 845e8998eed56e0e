package dev.gantry.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a worker's metric points, fenced by the job's attempt number.
 *
 * <p>A batch is one statement: the points travel as arrays and are unnested by the server, so a
 * thousand points cost one round trip, not a thousand. Writes are idempotent: a point for a
 * (series, step) that exists already is skipped, so a retried batch or a resumed run that replays
 * steps since its checkpoint changes nothing (first write wins). The same statement adds the
 * points it really inserted to {@code metric_rollups} (what lets {@link MetricQuery} draw a curve
 * of millions of points from a few thousand rows), writes the batch's stream events and counts
 * them for the operator metrics (V16): this class is the one write path into {@code
 * series_points}, which has no trigger.
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

    /**
     * The points, then from the ones ON CONFLICT did not skip (RETURNING; a replayed step changes
     * no rollup and sends no event): the rollups of levels 6, 9, 12 and 15 (see V14), one metrics
     * event for the batch and one evaluation event per evaluated step (see V13), and the operator
     * sample (V6). Data-modifying CTEs run to completion whether or not the last SELECT reads
     * them. Parameters: series ids, steps, values, protocols; the batch's series ids and names;
     * job, project, the JSON of the batch's metrics points, the number of points in the batch.
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
            -- The client's JSON of the batch's metrics points is the event's exactly when every
            -- point of the batch was inserted; otherwise the event is built from what was. json,
            -- not jsonb (V17): the text is checked and kept, not parsed into a tree and printed.
            job AS (
                SELECT ?::uuid AS id, ?::uuid AS project_id, ?::json AS points,
                       (SELECT count(*) FROM inserted) = ? AS every_point
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
                -- (value, step) pairs compared as the aggregates above compare them, NaN highest.
                ON CONFLICT (job_id, name, level, block) DO UPDATE SET
                    points = r.points + excluded.points,
                    min_value = (least(ARRAY[r.min_value, r.min_step], ARRAY[excluded.min_value, excluded.min_step]))[1],
                    min_step = (least(ARRAY[r.min_value, r.min_step], ARRAY[excluded.min_value, excluded.min_step]))[2],
                    max_value = (greatest(ARRAY[r.max_value, -r.max_step], ARRAY[excluded.max_value, -excluded.max_step]))[1],
                    max_step = -(greatest(ARRAY[r.max_value, -r.max_step], ARRAY[excluded.max_value, -excluded.max_step]))[2],
                    last_value = (greatest(ARRAY[r.last_step, r.last_value], ARRAY[excluded.last_step, excluded.last_value]))[2],
                    last_step = (greatest(ARRAY[r.last_step, r.last_value], ARRAY[excluded.last_step, excluded.last_value]))[1]
            ),
            events AS (
                INSERT INTO stream_events (project_id, job_id, type, data)
                SELECT (SELECT project_id FROM job), (SELECT id FROM job), e.type, e.data
                FROM (SELECT 'metrics' AS type, min(step) AS step,
                             json_build_object('jobId', (SELECT id FROM job), 'points', coalesce(
                                     json_agg(json_build_object('name', name, 'step', step, 'value', stream_number(value))
                                               ORDER BY step, name) FILTER (WHERE NOT (SELECT every_point FROM job)),
                                     (SELECT points FROM job))) AS data
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

    private static final String INSERT_PROTOCOLS = """
            INSERT INTO eval_protocols (id, protocol)
            SELECT p.id, p.protocol::jsonb
            FROM unnest(?::text[], ?::text[]) AS p(id, protocol)
            ON CONFLICT (id) DO NOTHING
            """;

    /** Series ids known to be committed; far more than one worker's series, so rarely cleared. */
    private static final int CACHED_SERIES = 100_000;

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
                            fence.get().project(),
                            eventPoints(points),
                            n)
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

    /**
     * The batch's points but {@code eval/*}, as the metrics event lists them: by step, then name,
     * and a value JSON cannot hold (NaN, ±Infinity) as null, as {@code stream_number} does (V13).
     * Built here because the server spent longer building it point by point than checking it whole.
     */
    static String eventPoints(List<MetricPoint> points) {
        List<EventPoint> listed = new ArrayList<>(points.size());
        for (MetricPoint p : points) {
            if (!p.name().startsWith("eval/")) {
                listed.add(new EventPoint(p.name(), p.step(), Double.isFinite(p.value()) ? p.value() : null));
            }
        }
        listed.sort(Comparator.comparingLong(EventPoint::step).thenComparing(EventPoint::name));
        return JSON.writeValueAsString(listed);
    }

    private record EventPoint(String name, long step, Double value) {}

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
