package dev.gantry.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores a worker's metric points, fenced by the job's attempt number.
 *
 * <p>A batch is one statement: the points travel as three arrays and are unnested by the server,
 * so a thousand points cost one round trip, not a thousand. Writes are idempotent: a point for a
 * (job, name, step) that exists already is skipped, so a retried batch or a resumed run that
 * replays steps since its checkpoint changes nothing (first write wins). A trigger adds the points
 * the statement really inserted to {@code metric_rollups} in the same transaction (V14), which is
 * what lets {@link MetricQuery} draw a curve of millions of points from a few thousand rows.
 */
@Component
public class MetricWriter {

    // FOR SHARE, not a plain read: the scheduler bumps the attempt with an UPDATE, which must wait
    // for this lock. Without it a lease could be taken away between this check and the insert,
    // and the old worker would still write a batch after its successor started. The lock is also
    // what keeps the job row alive until the points commit: metric_points has no foreign key to
    // jobs (V14), so this check is the only proof that the job exists.
    private static final String LOCK_ATTEMPT = """
            SELECT attempt
            FROM jobs
            WHERE id = ?
            FOR SHARE
            """;

    private static final String INSERT_POINTS = """
            INSERT INTO metric_points (job_id, name, step, value, protocol)
            SELECT ?, p.name, p.step, p.value, p.protocol
            FROM unnest(?::text[], ?::bigint[], ?::float8[], ?::text[]) AS p(name, step, value, protocol)
            ON CONFLICT (job_id, name, step) DO NOTHING
            """;

    private static final String INSERT_PROTOCOLS = """
            INSERT INTO eval_protocols (id, protocol)
            SELECT p.id, p.protocol::jsonb
            FROM unnest(?::text[], ?::text[]) AS p(id, protocol)
            ON CONFLICT (id) DO NOTHING
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

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
        for (int i = 0; i < n; i++) {
            MetricPoint point = points.get(i);
            names[i] = point.name();
            steps[i] = point.step();
            values[i] = point.value();
            if (point.protocol() != null) {
                String json = point.protocol().json();
                protocolIds[i] = point.protocol().id();
                protocols.putIfAbsent(protocolIds[i], json);
            }
        }
        Boolean written = transactions.execute(status -> {
            Optional<Integer> current =
                    jdbc.sql(LOCK_ATTEMPT).param(jobId).query(Integer.class).optional();
            if (current.isEmpty() || current.get() != attempt) {
                return false;
            }
            if (!protocols.isEmpty()) {
                // Before the points that reference them, in the same transaction.
                jdbc.sql(INSERT_PROTOCOLS)
                        .params(
                                protocols.keySet().toArray(String[]::new),
                                protocols.values().toArray(String[]::new))
                        .update();
            }
            if (n > 0) {
                jdbc.sql(INSERT_POINTS)
                        .params(jobId, names, steps, values, protocolIds)
                        .update();
            }
            return true;
        });
        return Boolean.TRUE.equals(written);
    }
}
