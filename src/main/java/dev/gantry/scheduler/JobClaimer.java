package dev.gantry.scheduler;

import dev.gantry.job.JobSpec;
import java.sql.Types;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Hands the next queued job, by priority then age, to exactly one worker. */
@Component
public class JobClaimer {

    // SKIP LOCKED: concurrent claimers pass over a row another claimer is taking instead of
    // waiting for it, so two workers never get the same job and never block each other. A job that
    // needs a GPU is passed over by workers without one. The wait is measured from the row's last
    // change, when it became QUEUED (submit, resume, drain or reaper), not from queued_at, which a
    // requeue keeps so that the job keeps its place in the queue.
    private static final String CLAIM = """
            WITH next AS (
                SELECT id, updated_at FROM jobs
                 WHERE state = 'QUEUED' AND (:gpu OR NOT requires_gpu)
                 ORDER BY priority DESC, queued_at, id
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED)
            UPDATE jobs j
               SET state = 'RUNNING', worker_id = :worker, claim_group = :group, lease_expires_at = now() + :leaseMillis * interval '1 millisecond',
                   started_at = coalesce(started_at, now()), updated_at = now()
              FROM next
             WHERE j.id = next.id
            RETURNING j.id, j.attempt, j.spec, greatest(0, extract(epoch FROM now() - next.updated_at)) AS waited
            """;

    // Serialises a group's claims until commit. The count is a statement of its own, so that under
    // READ COMMITTED its snapshot is taken after the lock: it sees the claim of a member that held
    // the lock before.
    private static final String LOCK_GROUP = "SELECT pg_advisory_xact_lock(hashtextextended(:group, 0))";

    private static final String GROUP_RUNNING =
            "SELECT count(*) FROM jobs WHERE claim_group = :group AND state IN ('RUNNING', 'CANCELLING')";

    private static final String CLAIMED_EVENT = """
            INSERT INTO job_events (job_id, attempt, type, detail)
            VALUES (:id, :attempt, 'CLAIMED',
                    jsonb_build_object('worker', :worker::text, 'device', :device::text, 'waitedSeconds', :waited::float8))
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SchedulerProperties properties;

    JobClaimer(JdbcClient jdbc, JsonMapper json, SchedulerProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    /** A claim for a worker without a GPU: jobs that need one are left for others. */
    @Transactional
    public Optional<ClaimedJob> claim(String workerId) {
        return claim(workerId, false, null);
    }

    /** A claim for a worker outside any claim group. */
    @Transactional
    public Optional<ClaimedJob> claim(String workerId, boolean gpu) {
        return claim(workerId, gpu, null);
    }

    /**
     * @param gpu whether the worker trains on a GPU: only then may it take jobs that require one
     * @param group the worker's claim group, or null: no claim while the group already runs its
     *     limit of jobs
     */
    @Transactional
    public Optional<ClaimedJob> claim(String workerId, boolean gpu, ClaimGroup group) {
        if (group != null) {
            jdbc.sql(LOCK_GROUP).param("group", group.name()).query().singleValue();
            long running = jdbc.sql(GROUP_RUNNING)
                    .param("group", group.name())
                    .query(Long.class)
                    .single();
            if (running >= group.limit()) {
                return Optional.empty();
            }
        }
        record Row(ClaimedJob job, double waited) {}
        Optional<Row> claimed = jdbc.sql(CLAIM)
                .param("worker", workerId)
                .param("gpu", gpu)
                .param("group", group == null ? null : group.name(), Types.VARCHAR)
                .param("leaseMillis", properties.leaseDuration().toMillis())
                .query((rs, n) -> new Row(
                        new ClaimedJob(
                                rs.getObject("id", UUID.class),
                                rs.getInt("attempt"),
                                json.readValue(rs.getString("spec"), JobSpec.class)),
                        rs.getDouble("waited")))
                .optional();
        claimed.ifPresent(row -> jdbc.sql(CLAIMED_EVENT)
                .param("id", row.job().id())
                .param("attempt", row.job().attempt())
                .param("worker", workerId)
                .param("device", gpu ? "gpu" : "cpu")
                .param("waited", row.waited())
                .update());
        return claimed.map(Row::job);
    }
}
