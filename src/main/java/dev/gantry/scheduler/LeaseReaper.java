package dev.gantry.scheduler;

import dev.gantry.limits.LimitsProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Takes back jobs whose worker stopped renewing its lease (killed, hung, cut off): a running job
 * goes back to the queue as a new attempt and resumes from its latest checkpoint; a job that was
 * being cancelled is simply cancelled. A job that keeps losing its runs (it crashes every worker
 * that takes it, say) fails with {@code MAX_ATTEMPTS} after {@code gantry.limits.max-attempts}
 * lost runs rather than cycling through the workers forever.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
public class LeaseReaper {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    // A run is lost only when its job was RUNNING: an expired CANCELLING job ends as the user asked.
    // %1$s picks the runs to take back (and how to lock them), %2$s is the event's type and detail.
    private static final String TAKE_BACK = """
            WITH expired AS (
                SELECT id, state = 'RUNNING' AND lease_losses + 1 >= :maxAttempts AS exhausted FROM jobs
                 WHERE state IN ('RUNNING', 'CANCELLING') AND %1$s
            ), reaped AS (
            UPDATE jobs j
               SET state = CASE WHEN j.state = 'CANCELLING' THEN 'CANCELLED'
                                WHEN expired.exhausted THEN 'FAILED'
                                ELSE 'QUEUED' END,
                   lease_losses = j.lease_losses + CASE WHEN j.state = 'RUNNING' THEN 1 ELSE 0 END,
                   attempt = j.attempt + 1,
                   finished_at = CASE WHEN j.state = 'CANCELLING' OR expired.exhausted THEN now() END,
                   failure_reason = CASE WHEN expired.exhausted THEN 'MAX_ATTEMPTS'
                                       WHEN j.state = 'CANCELLING' THEN j.failure_reason END,
                   failure_message = CASE WHEN expired.exhausted
                                          THEN 'lost ' || (j.lease_losses + 1) || ' runs to expired leases'
                                               || ' or exited workers'
                                               || ' (gantry.limits.max-attempts is ' || :maxAttempts || ')'
                                          WHEN j.state = 'CANCELLING' THEN j.failure_message END,
                   failure_step = CASE WHEN expired.exhausted THEN j.step
                                     WHEN j.state = 'CANCELLING' THEN j.failure_step END,
                   worker_id = NULL, lease_expires_at = NULL, updated_at = now()
              FROM expired
             WHERE j.id = expired.id
            RETURNING j.id, j.attempt, j.state, j.lease_losses
            ), logged AS (
                INSERT INTO job_events (job_id, attempt, type, detail)
                SELECT id, attempt, %2$s FROM reaped
                UNION ALL
                SELECT id, attempt, 'FAILED', jsonb_build_object('reason', 'MAX_ATTEMPTS') FROM reaped
                 WHERE state = 'FAILED'
            )
            SELECT id, attempt, state FROM reaped
            """;

    private static final String REAP = TAKE_BACK.formatted(
            "lease_expires_at < now() FOR UPDATE SKIP LOCKED",
            "'LEASE_EXPIRED', jsonb_build_object('leaseLosses', lease_losses)");

    // FOR UPDATE without SKIP LOCKED: the dead worker's last transaction may still hold the row
    // until PostgreSQL notices its connection is gone; skipping it would leave the job to the
    // lease. The caller bounds the wait with lock_timeout.
    private static final String TAKE_BACK_FROM_WORKER = TAKE_BACK.formatted(
            "worker_id = :worker FOR UPDATE",
            "'WORKER_EXITED', jsonb_build_object('leaseLosses', lease_losses, 'worker', :worker::text,"
                    + " 'reason', :reason::text)");

    private final JdbcClient jdbc;
    private final int maxAttempts;
    private final Counter reaped;
    private final Counter errors;
    private final Counter exited;

    LeaseReaper(JdbcClient jdbc, MeterRegistry meters, LimitsProperties limits) {
        this.jdbc = jdbc;
        this.maxAttempts = limits.maxAttempts();
        this.reaped = meters.counter("gantry.scheduler.leases.expired");
        this.errors = meters.counter("gantry.scheduler.reaper.errors");
        this.exited = meters.counter("gantry.scheduler.workers.exited");
    }

    record Reaped(UUID id, int attempt, String state) {}

    private static Reaped reaped(ResultSet rs, int row) throws SQLException {
        return new Reaped(rs.getObject("id", UUID.class), rs.getInt("attempt"), rs.getString("state"));
    }

    /** One statement: the state change and its event land together or not at all. */
    public List<Reaped> reapExpiredLeases() {
        List<Reaped> taken = jdbc.sql(REAP)
                .param("maxAttempts", maxAttempts)
                .query(LeaseReaper::reaped)
                .list();
        for (Reaped job : taken) {
            log.warn("Lease of job {} expired; now {} (attempt {})", job.id(), job.state(), job.attempt());
        }
        reaped.increment(taken.size());
        return taken;
    }

    /**
     * Takes back at once the job of a worker known to be dead (its supervisor saw the process
     * exit), as the reaper would once its lease expired: same fencing (attempt + 1), same count
     * against {@code max-attempts}, and a {@code WORKER_EXITED} event that names the worker and the
     * reason. Only for a worker whose death is certain; a silent remote worker keeps the lease path.
     */
    @Transactional
    public List<Reaped> takeBackFromExitedWorker(String workerId, String reason) {
        jdbc.sql("SET LOCAL lock_timeout = '10s'").update();
        List<Reaped> taken = jdbc.sql(TAKE_BACK_FROM_WORKER)
                .param("maxAttempts", maxAttempts)
                .param("worker", workerId)
                .param("reason", reason)
                .query(LeaseReaper::reaped)
                .list();
        for (Reaped job : taken) {
            log.warn(
                    "Worker {} exited ({}); job {} now {} (attempt {})",
                    workerId,
                    reason,
                    job.id(),
                    job.state(),
                    job.attempt());
        }
        exited.increment(taken.size());
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
