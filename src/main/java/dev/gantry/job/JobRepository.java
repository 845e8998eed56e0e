package dev.gantry.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Jobs in PostgreSQL. Every state change is a conditional UPDATE whose row count is checked by the caller. */
@Repository
public class JobRepository {

    static final String COLUMNS = """
            id, name, state, priority, spec, attempt, step, total_steps, steps_per_second, latest_metrics,
            worker_id, failure_reason, failure_message, failure_step, created_at, started_at, finished_at, updated_at
            """;

    private static final String INSERT = """
            INSERT INTO jobs (id, project_id, name, state, priority, spec, idempotency_key, request_hash, total_steps)
            VALUES (:id, :project, :name, 'QUEUED', :priority, :spec::jsonb, :key, :hash, :totalSteps)
            ON CONFLICT (project_id, idempotency_key) DO NOTHING
            """;

    // The reason is kept through CANCELLING: the worker's and the reaper's CANCELLED leave it be.
    private static final String CANCEL = """
            UPDATE jobs
               SET state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE 'CANCELLING' END,
                   finished_at = CASE WHEN state = 'QUEUED' THEN now() END,
                   failure_reason = :reason, failure_message = :message,
                   failure_step = CASE WHEN :reason::text IS NOT NULL THEN step END,
                   updated_at = now()
             WHERE id = :id AND state IN ('QUEUED', 'RUNNING')
            RETURNING state
            """;

    // A resumed job is a new run: a new attempt fences off anything left of the old one. The user
    // asked for it again, so the runs it lost to expired leases no longer count against it.
    private static final String RESUME = """
            UPDATE jobs
               SET state = 'QUEUED', attempt = attempt + 1, lease_losses = 0, queued_at = now(), finished_at = NULL,
                   failure_reason = NULL, failure_message = NULL, failure_step = NULL, updated_at = now()
             WHERE id = :id AND state IN ('FAILED', 'CANCELLED')
            RETURNING attempt
            """;

    // Any fixed key; only admission to the queue (submit, resume) takes this lock.
    private static final long QUEUE_ADMISSION_LOCK = 0x6761_6E74_7279_7100L;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<Job> rowMapper;

    public JobRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.rowMapper = this::mapRow;
    }

    /**
     * Serialises admission to the queue until the transaction ends, so that counting the queued
     * jobs and adding one is atomic: two concurrent submits cannot both take the last free slot.
     */
    void lockQueueAdmission() {
        jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(:key)")
                .param("key", QUEUE_ADMISSION_LOCK)
                .query(Integer.class)
                .single();
    }

    int countQueued() {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")
                .query(Integer.class)
                .single();
    }

    /** @return false when another job already holds the idempotency key */
    boolean insert(UUID id, UUID project, JobSpec spec, String idempotencyKey, String requestHash) {
        int rows = jdbc.sql(INSERT)
                .param("id", id)
                .param("project", project)
                .param("name", spec.name())
                .param("priority", spec.priority())
                .param("spec", json.writeValueAsString(spec))
                .param("key", idempotencyKey)
                .param("hash", requestHash)
                .param("totalSteps", spec.training().steps())
                .update();
        if (rows == 1) {
            recordEvent(id, 1, "SUBMITTED");
        }
        return rows == 1;
    }

    public Optional<Job> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = :id")
                .param("id", id)
                .query(rowMapper)
                .optional();
    }

    record Keyed(UUID id, String requestHash) {}

    Optional<Keyed> findByIdempotencyKey(UUID project, String key) {
        return jdbc.sql("SELECT id, request_hash FROM jobs WHERE project_id = :project AND idempotency_key = :key")
                .param("project", project)
                .param("key", key)
                .query((rs, n) -> new Keyed(rs.getObject("id", UUID.class), rs.getString("request_hash")))
                .optional();
    }

    UUID projectOf(UUID id) {
        return jdbc.sql("SELECT project_id FROM jobs WHERE id = :id")
                .param("id", id)
                .query(UUID.class)
                .single();
    }

    List<Job> list(UUID project, JobState state, String name, Instant beforeCreatedAt, UUID beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE project_id = :project");
        if (state != null) {
            sql.append(" AND state = :state");
        }
        if (name != null) {
            sql.append(" AND name = :name");
        }
        if (beforeCreatedAt != null) {
            sql.append(" AND (created_at, id) < (:createdAt, :beforeId)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        JdbcClient.StatementSpec statement =
                jdbc.sql(sql.toString()).param("limit", limit).param("project", project);
        if (state != null) {
            statement = statement.param("state", state.name());
        }
        if (name != null) {
            statement = statement.param("name", name);
        }
        if (beforeCreatedAt != null) {
            statement = statement
                    .param("createdAt", Timestamp.from(beforeCreatedAt))
                    .param("beforeId", beforeId);
        }
        return statement.query(rowMapper).list();
    }

    /**
     * Locks the job's row until the transaction ends, so that what the caller reads next is the
     * state its own change left, not one a concurrent resume or cancel committed in between.
     */
    Optional<JobState> lockState(UUID id) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(String.class)
                .optional()
                .map(JobState::valueOf);
    }

    /** @return the state the job moved to, or empty when it was neither queued nor running */
    Optional<JobState> requestCancel(UUID id, String reason, String message) {
        Optional<JobState> state = jdbc.sql(CANCEL)
                .param("id", id)
                .param("reason", reason)
                .param("message", message)
                .query(String.class)
                .optional()
                .map(JobState::valueOf);
        state.ifPresent(s -> recordEvent(
                id,
                null,
                s == JobState.CANCELLED ? "CANCELLED" : "CANCEL_REQUESTED",
                reason == null ? Map.of() : Map.of("reason", reason)));
        return state;
    }

    /** @return the new attempt, or empty when the job was not failed or cancelled */
    Optional<Integer> resume(UUID id) {
        Optional<Integer> attempt =
                jdbc.sql(RESUME).param("id", id).query(Integer.class).optional();
        attempt.ifPresent(a -> recordEvent(id, a, "RESUMED"));
        return attempt;
    }

    /** A state change for the audit trail; a null attempt means the job's current one. */
    public void recordEvent(UUID jobId, Integer attempt, String type) {
        recordEvent(jobId, attempt, type, Map.of());
    }

    /** @param detail the event's {@code detail}, such as a failure's {@code reason} */
    public void recordEvent(UUID jobId, Integer attempt, String type, Map<String, ?> detail) {
        jdbc.sql("""
                INSERT INTO job_events (job_id, attempt, type, detail)
                SELECT id, coalesce(:attempt, attempt), :type, :detail::jsonb FROM jobs WHERE id = :id
                """)
                .param("id", jobId)
                .param("attempt", attempt)
                .param("type", type)
                .param("detail", json.writeValueAsString(detail))
                .update();
    }

    private Job mapRow(ResultSet rs, int rowNum) throws SQLException {
        String failureReason = rs.getString("failure_reason");
        Job.Failure failure = failureReason == null
                ? null
                : new Job.Failure(
                        failureReason, rs.getString("failure_message"), rs.getObject("failure_step", Long.class));
        return new Job(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                JobState.valueOf(rs.getString("state")),
                rs.getInt("priority"),
                json.readValue(rs.getString("spec"), JobSpec.class),
                rs.getInt("attempt"),
                rs.getLong("step"),
                rs.getLong("total_steps"),
                rs.getObject("steps_per_second", Double.class),
                json.readValue(rs.getString("latest_metrics"), new TypeReference<Map<String, Double>>() {}),
                rs.getString("worker_id"),
                failure,
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
