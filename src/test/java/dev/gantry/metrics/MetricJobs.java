package dev.gantry.metrics;

import dev.gantry.testsupport.TestDatabase;
import java.util.UUID;
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
}
