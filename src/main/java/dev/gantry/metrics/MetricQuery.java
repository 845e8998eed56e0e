package dev.gantry.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads metric series for charts, downsampled in the database so a long run stays cheap to plot. */
@Component
public class MetricQuery {

    /**
     * Per name, the points in the step range. A name with more than {@code :maxPoints} points is
     * cut into {@code :buckets} equal step ranges between its first and last step, and each
     * bucket keeps only its lowest and its highest point (earliest step on ties; one row when
     * both are the same point). Averaging would hide a loss spike or a collapse, and those are
     * what a practitioner looks for; min and max keep them. PostgreSQL orders NaN above every
     * number, so a bucket where the run diverged shows NaN as its maximum.
     */
    private static final String SERIES = """
            WITH points AS (
                SELECT name, step, value, protocol
                FROM metric_points
                WHERE job_id = :jobId
                  AND (cardinality(:names::text[]) = 0 OR name = ANY (:names::text[]))
                  AND step BETWEEN :fromStep AND :toStep
            ),
            extent AS (
                SELECT name, count(*) AS n, min(step) AS first_step, max(step) AS last_step
                FROM points
                GROUP BY name
            ),
            bucketed AS (
                SELECT p.name, p.step, p.value, p.protocol, e.n,
                       width_bucket(p.step::numeric, e.first_step::numeric, e.last_step::numeric + 1, :buckets)
                           AS bucket
                FROM points p
                JOIN extent e USING (name)
            ),
            ranked AS (
                SELECT name, step, value, protocol, n,
                       row_number() OVER (PARTITION BY name, bucket ORDER BY value ASC, step ASC) AS lowest,
                       row_number() OVER (PARTITION BY name, bucket ORDER BY value DESC, step ASC) AS highest
                FROM bucketed
            )
            SELECT r.name, r.step, r.value, e.protocol::text AS protocol
            FROM ranked r
            LEFT JOIN eval_protocols e ON e.id = r.protocol
            WHERE n <= :maxPoints OR lowest = 1 OR highest = 1
            ORDER BY name, step
            """;

    // A loose index scan: one index probe per distinct name instead of reading every point of
    // the job, which a plain SELECT DISTINCT would do (PostgreSQL 14 has no skip scan).
    private static final String NAMES = """
            WITH RECURSIVE names AS (
                (SELECT name FROM metric_points WHERE job_id = :jobId ORDER BY name LIMIT 1)
                UNION ALL
                SELECT (SELECT m.name
                        FROM metric_points m
                        WHERE m.job_id = :jobId AND m.name > names.name
                        ORDER BY m.name
                        LIMIT 1)
                FROM names
                WHERE names.name IS NOT NULL
            )
            SELECT name FROM names WHERE name IS NOT NULL
            """;

    private final JdbcClient jdbc;

    public MetricQuery(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

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
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be at least 2, was " + maxPoints);
        }
        Map<String, List<MetricPoint>> series = new LinkedHashMap<>();
        Map<String, MetricProtocol> parsed = new java.util.HashMap<>();
        jdbc.sql(SERIES)
                .param("jobId", jobId)
                .param("names", names.toArray(String[]::new))
                .param("fromStep", fromStep == null ? Long.MIN_VALUE : fromStep)
                .param("toStep", toStep == null ? Long.MAX_VALUE : toStep)
                .param("maxPoints", maxPoints)
                .param("buckets", maxPoints / 2)
                .query((rs, row) -> new MetricPoint(
                        rs.getString("name"),
                        rs.getLong("step"),
                        rs.getDouble("value"),
                        protocol(parsed, rs.getString("protocol"))))
                .list()
                .forEach(point -> series.computeIfAbsent(point.name(), name -> new ArrayList<>())
                        .add(point));
        return series;
    }

    /** Parsed once per distinct protocol of a query, not once per point. */
    private static MetricProtocol protocol(Map<String, MetricProtocol> parsed, String json) {
        return json == null ? null : parsed.computeIfAbsent(json, MetricProtocol::fromJson);
    }

    /** Each {@code eval/*} metric's value, with its protocol, at the job's last step that has one. */
    public Map<String, MetricPoint> latestEvaluation(UUID jobId) {
        Map<String, MetricPoint> latest = new LinkedHashMap<>();
        Map<String, MetricProtocol> parsed = new java.util.HashMap<>();
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
