package dev.gantry.metrics;

import static dev.gantry.metrics.MetricJobs.pointCount;
import static dev.gantry.metrics.MetricJobs.running;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a benchmark gate: prints how long 100 000 points take in batches of 1 000,
 * the shape a worker's flush produces. No timed assertion, since test machines vary; the count is
 * asserted so a silently dropped batch cannot pass for a fast one. The test database runs with
 * fsync off, so this measures the statement path, not disk commits.
 */
class MetricWriteThroughputTest {

    static final String[] NAMES = {
        "loss/d",
        "loss/g",
        "loss/d/adversarial",
        "loss/d/gradient-penalty",
        "loss/g/adversarial",
        "perf/steps-per-second",
        "eval/modes",
        "eval/high-quality",
        "eval/fid",
        "eval/kid"
    };

    @Test
    void writes_one_hundred_thousand_points_in_batches_of_one_thousand_and_prints_the_time() {
        // Through a pool, as in the application: the test database's own DataSource opens a new
        // connection per call, which would measure PostgreSQL's connection setup instead.
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(TestDatabase.jdbcUrl());
            pool.setUsername("postgres");
            pool.setMaximumPoolSize(2);
            MetricWriter writer = new MetricWriter(pool);

            // Warm-up on its own job: class loading and JIT are not the steady state a long
            // training run sees.
            writeBatches(writer, running(1), 20);

            UUID job = running(1);
            long start = System.nanoTime();
            writeBatches(writer, job, 100);
            long nanos = System.nanoTime() - start;

            assertThat(pointCount(job)).isEqualTo(100_000);
            System.out.printf(
                    "MetricWriter: 100000 points in 100 batches of 1000: %.0f ms, %.0f points/s%n",
                    nanos / 1e6, 100_000 / (nanos / 1e9));
        }
    }

    private static void writeBatches(MetricWriter writer, UUID job, int batches) {
        long step = 0;
        for (int b = 0; b < batches; b++) {
            List<MetricPoint> batch = new ArrayList<>(1_000);
            // 100 steps of 10 metrics each, as a worker flushing every 100 steps would send.
            for (int s = 0; s < 100; s++, step++) {
                for (String name : NAMES) {
                    batch.add(new MetricPoint(name, step, Math.sin(step * 0.01) + name.length()));
                }
            }
            assertThat(writer.write(job, 1, batch)).isTrue();
        }
    }
}
