package dev.gantry.metrics;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads metric series for charts, downsampled in the database so a long run stays cheap to plot.
 *
 * <p>A series with more points in the requested range than {@code maxPoints} is cut into buckets
 * of {@code 2^b} steps aligned to multiples of {@code 2^b} (bucket j holds steps {@code j·2^b …
 * (j+1)·2^b − 1}, clipped to the range), {@code b} the smallest that gives at most {@code
 * maxPoints/2} buckets between the series' first and last step in range. Each bucket keeps its
 * lowest and its highest point (earliest step on ties; one point when both are the same).
 * Averaging would hide a loss spike or a collapse, and those are what a practitioner looks for;
 * min and max keep them. PostgreSQL orders NaN above every number, so a bucket where the run
 * diverged shows NaN as its maximum.
 *
 * <p>Aligned buckets are what makes this cheap and still exact: each is a union of the blocks
 * that {@code metric_rollups} keeps per series ({@link #LEVELS}, V14), so a bucket's lowest and
 * highest point come from the coarsest level that fits, plus the finer blocks and the few raw
 * points at the two ends of a range that does not start or end on a block.
 */
@Component
public class MetricQuery {

    /** The block sizes {@code metric_rollups} keeps, as powers of two, ascending (V14). */
    static final int[] LEVELS = {6, 9, 12, 15};

    /**
     * Per requested name with points in the range: its first and last step there, how many points
     * it holds, counted no further than {@code :maxPoints + 1} since only "more than maxPoints or
     * not" matters, and whether any carries a protocol (the partial index of V14 and V16 holds only
     * those). A few index probes per name, whatever the series' length: on {@code series_points} by
     * series id, not through the view {@code metric_points}, since min() and max() become one index
     * probe each only on the table itself; through the view's join they read every point.
     */
    private static final String EXTENTS = """
            SELECT s.name, e.first_step, e.last_step, c.points,
                   EXISTS (SELECT 1
                           FROM series_points
                           WHERE series_id = s.id AND protocol IS NOT NULL
                             AND step BETWEEN :fromStep AND :toStep) AS with_protocol
            FROM metric_series s
            CROSS JOIN LATERAL (
                SELECT min(step) AS first_step, max(step) AS last_step
                FROM series_points
                WHERE series_id = s.id AND step BETWEEN :fromStep AND :toStep
            ) e
            CROSS JOIN LATERAL (
                SELECT count(*) AS points
                FROM (SELECT 1
                      FROM series_points
                      WHERE series_id = s.id AND step BETWEEN :fromStep AND :toStep
                      LIMIT :maxPoints + 1) p
            ) c
            WHERE s.job_id = :jobId AND s.name = ANY (:names::text[]) AND e.first_step IS NOT NULL
            ORDER BY s.name
            """;

    /** Every point in range of the series that are not downsampled. */
    private static final String RAW = """
            SELECT m.name, m.step, m.value, e.protocol::text AS protocol
            FROM metric_points m
            LEFT JOIN eval_protocols e ON e.id = m.protocol
            WHERE m.job_id = :jobId AND m.name = ANY (:names::text[]) AND m.step BETWEEN :fromStep AND :toStep
            ORDER BY m.name, m.step
            """;

    // One part per tile (see Tiling), each with its bounds as plain parameters: the planner then
    // sees every range and probes the primary keys. Bounds passed as arrays and unnested left it
    // guessing a tenth of the table per range, and it chose parallel sequential scans.
    private static final String ROLLUP_TILE = """
            SELECT block >> ? AS bucket, min_value, min_step, max_value, max_step
            FROM metric_rollups
            WHERE job_id = ? AND name = ? AND level = ? AND block BETWEEN ? AND ?
            """;

    private static final String RAW_TILE = """
            SELECT step >> ? AS bucket, value, step, value, step
            FROM series_points
            WHERE series_id = (SELECT id FROM metric_series WHERE job_id = ? AND name = ?)
              AND step BETWEEN ? AND ?
            """;

    /** Each bucket's lowest and highest point, by (value, step) and (value, −step). */
    private static final String BUCKETS = """
            WITH parts (bucket, min_value, min_step, max_value, max_step) AS (
            %s
            ),
            buckets AS (
                SELECT bucket, min(ARRAY[min_value, min_step]) AS lowest, max(ARRAY[max_value, -max_step]) AS highest
                FROM parts
                GROUP BY bucket
            )
            """;

    private static final String BUCKET_POINTS = """
            SELECT lowest[2]::bigint AS min_step, lowest[1] AS min_value,
                   (-highest[2])::bigint AS max_step, highest[1] AS max_value
            FROM buckets
            ORDER BY bucket
            """;

    /** The chosen points read back from {@code metric_points}, for a series whose points carry protocols. */
    private static final String BUCKET_POINTS_WITH_PROTOCOLS = """
            , chosen AS (
                SELECT lowest[2]::bigint AS step FROM buckets
                UNION
                SELECT (-highest[2])::bigint FROM buckets
            )
            SELECT m.name, m.step, m.value, e.protocol::text AS protocol
            FROM chosen c
            JOIN metric_points m ON m.job_id = ? AND m.name = ? AND m.step = c.step
            LEFT JOIN eval_protocols e ON e.id = m.protocol
            ORDER BY m.step
            """;

    // A series exists only once a transaction wrote points into it (MetricWriter, V16), so a
    // job's series are its names, read from the few rows of metric_series instead of its points.
    private static final String NAMES = """
            SELECT name FROM metric_series WHERE job_id = :jobId ORDER BY name
            """;

    private final JdbcClient jdbc;

    public MetricQuery(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /**
     * One series as a chart gets it.
     *
     * @param bucketSteps null when {@code points} are every point in range; else the width of the
     *     buckets, a power of two: bucket j holds steps {@code j·bucketSteps … (j+1)·bucketSteps −
     *     1} (within the requested range) and is drawn by its lowest and its highest point
     */
    public record Series(String name, Long bucketSteps, List<MetricPoint> points) {}

    /**
     * The series of a job, by name in name order, each ordered by step with at most
     * {@code maxPoints} points. Names without points in the range are absent from the map.
     *
     * @param names the metrics wanted; empty for all of them
     * @param fromStep first step, inclusive; null for the start
     * @param toStep last step, inclusive; null for the end
     * @param maxPoints at least 2, one lowest and one highest point per bucket
     */
    public Map<String, List<MetricPoint>> series(
            UUID jobId, Collection<String> names, Long fromStep, Long toStep, int maxPoints) {
        Map<String, List<MetricPoint>> series = new LinkedHashMap<>();
        curves(jobId, names, fromStep, toStep, maxPoints).forEach((name, curve) -> series.put(name, curve.points()));
        return series;
    }

    /** As {@link #series}, with each series' bucket width. */
    public Map<String, Series> curves(UUID jobId, Collection<String> names, Long fromStep, Long toStep, int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be at least 2, was " + maxPoints);
        }
        long from = fromStep == null ? Long.MIN_VALUE : fromStep;
        long to = toStep == null ? Long.MAX_VALUE : toStep;
        List<String> wanted = names.isEmpty() ? names(jobId) : List.copyOf(names);
        List<Extent> extents = jdbc.sql(EXTENTS)
                .param("jobId", jobId)
                .param("names", wanted.toArray(String[]::new))
                .param("fromStep", from)
                .param("toStep", to)
                .param("maxPoints", maxPoints)
                .query((rs, row) -> new Extent(
                        rs.getString("name"),
                        rs.getLong("first_step"),
                        rs.getLong("last_step"),
                        rs.getLong("points"),
                        rs.getBoolean("with_protocol")))
                .list();
        Map<String, MetricProtocol> parsed = new HashMap<>();
        Map<String, List<MetricPoint>> raw = new HashMap<>();
        String[] rawNames = extents.stream()
                .filter(e -> e.points <= maxPoints)
                .map(Extent::name)
                .toArray(String[]::new);
        if (rawNames.length > 0) {
            jdbc.sql(RAW)
                    .param("jobId", jobId)
                    .param("names", rawNames)
                    .param("fromStep", from)
                    .param("toStep", to)
                    .query((rs, row) -> point(rs, parsed))
                    .list()
                    .forEach(p -> raw.computeIfAbsent(p.name(), n -> new ArrayList<>())
                            .add(p));
        }
        Map<String, Series> series = new LinkedHashMap<>();
        for (Extent extent : extents) {
            if (extent.points <= maxPoints) {
                series.put(extent.name, new Series(extent.name, null, raw.get(extent.name)));
            } else {
                series.put(extent.name, bucketed(jobId, extent, maxPoints / 2, parsed));
            }
        }
        return series;
    }

    private record Bucket(long minStep, double minValue, long maxStep, double maxValue) {}

    private record Extent(String name, long firstStep, long lastStep, long points, boolean withProtocol) {}

    private Series bucketed(UUID jobId, Extent extent, int buckets, Map<String, MetricProtocol> parsed) {
        int bucketLevel = bucketLevel(extent.firstStep, extent.lastStep, buckets);
        Tiling tiling = Tiling.of(extent.firstStep, extent.lastStep, bucketLevel);
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        int[] levels = tiling.levels();
        for (int i = 0; i < levels.length; i++) {
            parts.add(ROLLUP_TILE);
            params.addAll(List.of(
                    bucketLevel - levels[i],
                    jobId,
                    extent.name,
                    levels[i],
                    tiling.firstBlocks()[i],
                    tiling.lastBlocks()[i]));
        }
        for (int i = 0; i < tiling.rawFrom().length; i++) {
            parts.add(RAW_TILE);
            params.addAll(List.of(bucketLevel, jobId, extent.name, tiling.rawFrom()[i], tiling.rawTo()[i]));
        }
        String bucketsSql = BUCKETS.formatted(String.join("UNION ALL\n", parts));
        List<MetricPoint> points;
        if (extent.withProtocol) {
            params.addAll(List.of(jobId, extent.name));
            points = jdbc.sql(bucketsSql + BUCKET_POINTS_WITH_PROTOCOLS)
                    .params(params)
                    .query((rs, row) -> point(rs, parsed))
                    .list();
        } else {
            // No protocol to look up: the rollups hold the chosen points' values already.
            points = new ArrayList<>();
            List<Bucket> found = jdbc.sql(bucketsSql + BUCKET_POINTS)
                    .params(params)
                    .query((rs, row) -> new Bucket(
                            rs.getLong("min_step"),
                            rs.getDouble("min_value"),
                            rs.getLong("max_step"),
                            rs.getDouble("max_value")))
                    .list();
            for (Bucket bucket : found) {
                MetricPoint low = new MetricPoint(extent.name, bucket.minStep, bucket.minValue);
                MetricPoint high = new MetricPoint(extent.name, bucket.maxStep, bucket.maxValue);
                if (bucket.minStep == bucket.maxStep) {
                    points.add(low);
                } else if (bucket.minStep < bucket.maxStep) {
                    points.add(low);
                    points.add(high);
                } else {
                    points.add(high);
                    points.add(low);
                }
            }
        }
        return new Series(extent.name, 1L << bucketLevel, points);
    }

    /** The smallest b whose aligned buckets of 2^b steps cover first … last in at most {@code buckets}. */
    static int bucketLevel(long firstStep, long lastStep, int buckets) {
        int b = 0;
        while ((lastStep >> b) - (firstStep >> b) + 1 > buckets) {
            b++;
        }
        return b;
    }

    private static MetricPoint point(ResultSet rs, Map<String, MetricProtocol> parsed) throws SQLException {
        return new MetricPoint(
                rs.getString("name"),
                rs.getLong("step"),
                rs.getDouble("value"),
                protocol(parsed, rs.getString("protocol")));
    }

    /** Parsed once per distinct protocol of a query, not once per point. */
    private static MetricProtocol protocol(Map<String, MetricProtocol> parsed, String json) {
        return json == null ? null : parsed.computeIfAbsent(json, MetricProtocol::fromJson);
    }

    /** Each {@code eval/*} metric's value, with its protocol, at the job's last step that has one. */
    public Map<String, MetricPoint> latestEvaluation(UUID jobId) {
        Map<String, MetricPoint> latest = new LinkedHashMap<>();
        Map<String, MetricProtocol> parsed = new HashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (m.name) m.name, m.step, m.value, e.protocol::text AS protocol
                        FROM metric_points m
                        LEFT JOIN eval_protocols e ON e.id = m.protocol
                        WHERE m.job_id = :job AND m.name LIKE 'eval/%'
                        ORDER BY m.name, m.step DESC
                        """)
                .param("job", jobId)
                .query((rs, n) -> new MetricPoint(
                        rs.getString("name"),
                        rs.getLong("step"),
                        rs.getDouble("value"),
                        protocol(parsed, rs.getString("protocol"))))
                .list()
                .forEach(point -> latest.put(point.name(), point));
        return latest;
    }

    /** Each {@code eval/*} value recorded at these steps: step → name → value. */
    public Map<Long, Map<String, Double>> evaluationsAt(UUID jobId, Collection<Long> steps) {
        Map<Long, Map<String, Double>> at = new LinkedHashMap<>();
        if (steps.isEmpty()) {
            return at;
        }
        jdbc.sql("""
                        SELECT step, name, value
                        FROM metric_points
                        WHERE job_id = :job AND step = ANY (:steps::bigint[]) AND name LIKE 'eval/%'
                        ORDER BY step, name
                        """)
                .param("job", jobId)
                .param("steps", steps.stream().mapToLong(Long::longValue).toArray())
                .query((rs, n) -> new MetricPoint(rs.getString("name"), rs.getLong("step"), rs.getDouble("value")))
                .list()
                .forEach(p ->
                        at.computeIfAbsent(p.step(), k -> new LinkedHashMap<>()).put(p.name(), p.value()));
        return at;
    }

    /** The names of the metrics a job has recorded, sorted. */
    public List<String> names(UUID jobId) {
        return jdbc.sql(NAMES).param("jobId", jobId).query(String.class).list();
    }
}
