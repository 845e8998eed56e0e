package dev.gantry.metrics;

import dev.gantry.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Jobs rows for metric tests: random ids, so tests sharing the one test database never collide. */
final class MetricJobs {

    static final JdbcClient JDBC = JdbcClient.create(TestDatabase.dataSource());

    private MetricJobs() {}

    static UUID running(int attempt) {
        UUID id = UUID.randomUUID();
        JDBC.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps, attempt)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'metrics-test', 'RUNNING', '{}', 100000, ?)
                        """).params(id, attempt).update();
        return id;
    }

    static long pointCount(UUID jobId) {
        return JDBC.sql("SELECT count(*) FROM metric_points WHERE job_id = ?")
                .param(jobId)
                .query(Long.class)
                .single();
    }

    /**
     * Until a session running a statement that contains {@code fragment} waits for a lock, or
     * {@code statement} finished without waiting.
     */
    static void awaitLockWait(String fragment, CompletableFuture<?> statement) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!statement.isDone()) {
            long waiting = JDBC.sql("""
                            SELECT count(*)
                            FROM pg_stat_activity
                            WHERE wait_event_type = 'Lock' AND query LIKE '%' || ? || '%'
                            """).param(fragment).query(Long.class).single();
            if (waiting > 0) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no statement with " + fragment + " ever waited for a lock");
            }
            Thread.onSpinWait();
        }
    }
}
