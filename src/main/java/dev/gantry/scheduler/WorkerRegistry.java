package dev.gantry.scheduler;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code workers} table: each worker process registers when it starts, heartbeats while it
 * lives (idle or busy), and removes itself when it stops cleanly. A worker that stops
 * heartbeating for longer than a lease (killed, hung, cut off from PostgreSQL) is read as
 * {@link WorkerState#LOST}; its job, if any, is the lease reaper's business, not this table's.
 *
 * <p>Heartbeats are stamped, and silence judged, with an injected {@link Clock} (a {@code Clock}
 * bean when there is one, as tests provide, else UTC), so LOST is decided by one clock in tests.
 */
@Component
public class WorkerRegistry {

    private final JdbcClient jdbc;
    private final Duration leaseDuration;
    private final InstantSource clock;

    @Autowired
    WorkerRegistry(JdbcClient jdbc, SchedulerProperties scheduling, ObjectProvider<Clock> clock) {
        this(jdbc, scheduling.leaseDuration(), clock.getIfAvailable(Clock::systemUTC));
    }

    public WorkerRegistry(JdbcClient jdbc, Duration leaseDuration, InstantSource clock) {
        this.jdbc = jdbc;
        this.leaseDuration = leaseDuration;
        this.clock = clock;
    }

    /** What a worker says about itself when it registers. */
    public record WorkerIdentity(String id, String host, long pid, String device, String version) {}

    /** Registers (or re-registers, after its row was swept) an idle worker. */
    public void register(WorkerIdentity worker) {
        OffsetDateTime now = now();
        jdbc.sql("""
                        INSERT INTO workers (id, host, pid, device, version, state, current_job, started_at, heartbeat_at)
                        VALUES (:id, :host, :pid, :device, :version, 'IDLE', NULL, :now, :now)
                        ON CONFLICT (id) DO UPDATE
                           SET state = 'IDLE', current_job = NULL, heartbeat_at = excluded.heartbeat_at
                        """)
                .param("id", worker.id())
                .param("host", worker.host())
                .param("pid", worker.pid())
                .param("device", worker.device())
                .param("version", worker.version())
                .param("now", now)
                .update();
    }

    /**
     * Renews the worker's row with what it does now.
     *
     * @param state {@link WorkerState#IDLE}, {@link WorkerState#BUSY} or {@link WorkerState#DRAINING}
     * @return false when the row is gone (swept after a long silence): the caller registers again
     */
    public boolean heartbeat(String workerId, WorkerState state, UUID currentJob) {
        if (state == WorkerState.LOST) {
            throw new IllegalArgumentException("LOST is decided by readers, not reported");
        }
        return jdbc.sql("""
                        UPDATE workers SET state = :state, current_job = :job, heartbeat_at = :now
                         WHERE id = :id
                        """)
                        .param("id", workerId)
                        .param("state", state.name())
                        .param("job", currentJob)
                        .param("now", now())
                        .update()
                == 1;
    }

    /**
     * Workers as one project may see them: workers are shared by all projects, so every one is
     * listed, but its current job only when the job is the project's (a job id is the project's
     * secret).
     */
    public List<RegisteredWorker> list(UUID project) {
        Instant now = clock.instant();
        return jdbc.sql("""
                        SELECT w.id, w.host, w.pid, w.device, w.version, w.state,
                               CASE WHEN j.project_id = :project THEN w.current_job END AS current_job,
                               w.started_at, w.heartbeat_at
                          FROM workers w LEFT JOIN jobs j ON j.id = w.current_job
                         ORDER BY w.started_at, w.id
                        """)
                .param("project", project)
                .query((rs, n) -> row(rs, now))
                .list();
    }

    /** A clean stop: the worker is no longer a worker. */
    public void deregister(String workerId) {
        jdbc.sql("DELETE FROM workers WHERE id = :id").param("id", workerId).update();
    }

    /** Every registered worker, longest-running first, LOST where the last heartbeat is older than a lease. */
    public List<RegisteredWorker> list() {
        Instant now = clock.instant();
        return jdbc.sql("""
                        SELECT id, host, pid, device, version, state, current_job, started_at, heartbeat_at
                          FROM workers ORDER BY started_at, id
                        """).query((rs, n) -> row(rs, now)).list();
    }

    /** Removes the rows of workers silent for longer than {@code retention}; returns how many. */
    public int forgetSilentFor(Duration retention) {
        return jdbc.sql("DELETE FROM workers WHERE heartbeat_at < :cutoff")
                .param("cutoff", now().minus(retention))
                .update();
    }

    /** An explicit offset, so the driver sends a timestamptz whatever the JVM's time zone. */
    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private RegisteredWorker row(ResultSet rs, Instant now) throws SQLException {
        Instant heartbeat = rs.getObject("heartbeat_at", OffsetDateTime.class).toInstant();
        Duration age = Duration.between(heartbeat, now);
        WorkerState state =
                age.compareTo(leaseDuration) > 0 ? WorkerState.LOST : WorkerState.valueOf(rs.getString("state"));
        return new RegisteredWorker(
                rs.getString("id"),
                rs.getString("host"),
                rs.getLong("pid"),
                rs.getString("device"),
                rs.getString("version"),
                state,
                rs.getObject("current_job", UUID.class),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                heartbeat,
                age);
    }
}
