package dev.gantry.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes back jobs whose worker stopped renewing its lease (killed, hung, cut off): a running job
 * goes back to the queue as a new attempt and resumes from its latest checkpoint; a job that was
 * being cancelled is simply cancelled.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
public class LeaseReaper {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private static final String REAP = """
            WITH expired AS (
                SELECT id FROM jobs
                 WHERE state IN ('RUNNING', 'CANCELLING') AND lease_expires_at < now()
                   FOR UPDATE SKIP LOCKED
            ), reaped AS (
            UPDATE jobs j
               SET state = CASE WHEN j.state = 'CANCELLING' THEN 'CANCELLED' ELSE 'QUEUED' END,
                   attempt = j.attempt + 1,
                   finished_at = CASE WHEN j.state = 'CANCELLING' THEN now() END,
                   worker_id = NULL, lease_expires_at = NULL, updated_at = now()
              FROM expired
             WHERE j.id = expired.id
            RETURNING j.id, j.attempt, j.state
            ), logged AS (
                INSERT INTO job_events (job_id, attempt, type) SELECT id, attempt, 'LEASE_EXPIRED' FROM reaped
            )
            SELECT id, attempt, state FROM reaped
            """;

    private final JdbcClient jdbc;
    private final Counter reaped;
    private final Counter errors;

    LeaseReaper(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.reaped = meters.counter("gantry.scheduler.leases.expired");
        this.errors = meters.counter("gantry.scheduler.reaper.errors");
    }

    record Reaped(UUID id, int attempt, String state) {}

    /** One statement: the state change and its event land together or not at all. */
    public List<Reaped> reapExpiredLeases() {
        List<Reaped> taken = jdbc.sql(REAP)
                .query((rs, n) -> new Reaped(rs.getObject("id", UUID.class), rs.getInt("attempt"), rs.getString("state")))
                .list();
        for (Reaped job : taken) {
            log.warn("Lease of job {} expired; now {} (attempt {})", job.id(), job.state(), job.attempt());
        }
        reaped.increment(taken.size());
        return taken;
    }

    @Scheduled(fixedDelayString = "${gantry.scheduler.reaper-interval:2s}")
    void run() {
        try {
            reapExpiredLeases();
        } catch (RuntimeException e) {
            // The reaper must outlive a database restart: log, count, try again next round.
            errors.increment();
            log.error("Lease reaper round failed", e);
        }
    }
}
