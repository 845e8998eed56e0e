package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the stream log costs a worker's metric writes: the same batches of 1000 points with the
 * {@code metric_points_stream} trigger on and off, alternated in one run on a database of its
 * own. A measurement, printed; only the counts are asserted (one event per batch, every point
 * in it), since test machines vary.
 */
class StreamTriggerCostTest {

    private static final String[] NAMES = {
        "loss/d", "loss/g", "loss/d/adversarial", "loss/d/gradient-penalty", "loss/g/adversarial",
        "perf/steps-per-second", "lr/g", "lr/d", "weight/d/gp", "augment/p"
    };

    @Test
    void prints_the_time_of_metric_batches_with_and_without_the_stream_trigger() {
        DataSource migrated = TestDatabase.migrated();
        String url;
        try (var c = migrated.getConnection()) {
            url = c.getMetaData().getURL();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername(TestDatabase.username());
            pool.setPassword(TestDatabase.password());
            pool.setMaximumPoolSize(2);
            JdbcClient jdbc = JdbcClient.create(pool);
            MetricWriter writer = new MetricWriter(pool);
            write(writer, running(jdbc), 20);
            write(writer, running(jdbc), 20);

            long on = 0;
            long off = 0;
            UUID streamed = null;
            for (int round = 0; round < 6; round++) {
                boolean trigger = round % 2 == 0;
                jdbc.sql("ALTER TABLE metric_points " + (trigger ? "ENABLE" : "DISABLE")
                                + " TRIGGER metric_points_stream")
                        .update();
                UUID job = running(jdbc);
                long start = System.nanoTime();
                write(writer, job, 30);
                long nanos = System.nanoTime() - start;
                if (trigger) {
                    on += nanos;
                    streamed = job;
                } else {
                    off += nanos;
                }
            }
            System.out.printf(
                    "Stream trigger cost: 90 batches of 1000 points: %.0f ms with the trigger, %.0f ms without"
                            + " (%.2fx)%n",
                    on / 1e6, off / 1e6, (double) on / off);
            assertThat(jdbc.sql("SELECT count(*) FROM stream_events WHERE job_id = :job AND type = 'metrics'")
                            .param("job", streamed)
                            .query(Integer.class)
                            .single())
                    .isEqualTo(30);
            assertThat(jdbc.sql("""
                            SELECT sum(jsonb_array_length(data -> 'points')) FROM stream_events
                             WHERE job_id = :job AND type = 'metrics'
                            """).param("job", streamed).query(Integer.class).single())
                    .isEqualTo(30_000);
        }
    }

    private static UUID running(JdbcClient jdbc) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'trigger-cost', 'RUNNING', '{}', 100000)
                        """).params(id).update();
        return id;
    }

    private static void write(MetricWriter writer, UUID job, int batches) {
        long step = 0;
        for (int b = 0; b < batches; b++) {
            List<MetricPoint> batch = new ArrayList<>(1_000);
            for (int s = 0; s < 100; s++, step++) {
                for (String name : NAMES) {
                    batch.add(new MetricPoint(name, step, Math.cos(step * 0.01)));
                }
            }
            assertThat(writer.write(job, 1, batch)).isTrue();
        }
    }
}
