package dev.gantry.scheduler;

import dev.gantry.job.JobSpec;
import dev.gantry.quota.QuotaProperties;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Hands the next queued job to exactly one worker: projects by fair share, then priority and age within one. */
@Component
public class JobClaimer {

    // Fair share: among the projects with a job this worker may take, the one with the fewest
    // running jobs goes first, then the one whose latest claim is oldest (never claimed: first), so
    // one project's thousand queued jobs cannot starve another's one, even with a single worker
    // whose job ends before each claim. Within the project: priority, then age. A project at its
    // running-jobs quota is passed over; its jobs stay QUEUED. Priority does not cross projects.
    // Whether a project has a waiting job is asked in the queue index's own order: written as
    // EXISTS, PostgreSQL turns it into a join that reads the whole queue on every claim.
    // Running jobs are counted up to the limit only: a count at the limit excludes the project
    // whatever it is, and below it the count is exact, so the ranking is the same at a bounded cost.
    //
    // The projects are ranked first, then tried in that order, each with SKIP LOCKED on its own
    // queue, until one yields a job: a LATERAL join is a nested loop over the ranked projects, run
    // lazily under the outer LIMIT, so only the job taken is locked. Concurrent claimers pass over a row another
    // claimer is
    // taking instead of waiting for it, so two workers never get the same job and never block each
    // other. A job that needs a GPU is passed over by workers without one. The wait is measured
    // from the row's last change, when it became QUEUED (submit, resume, drain or reaper), not from
    // queued_at, which a requeue keeps so that the job keeps its place in the queue.
    private static final String CLAIM = """
            WITH waiting AS (
                SELECT p.id AS project_id, l.max_running,
                       (SELECT count(*) FROM (SELECT 1 FROM jobs r
                                               WHERE r.project_id = p.id AND r.state IN ('RUNNING', 'CANCELLING')
                                               LIMIT l.max_running) counted) AS running,
                       (SELECT max(c.claimed_at) FROM jobs c
                         WHERE c.project_id = p.id AND c.claimed_at IS NOT NULL) AS served
                  FROM projects p
                 CROSS JOIN LATERAL (SELECT coalesce(p.max_running_jobs, :defaultMaxRunning) AS max_running) l
                 WHERE (SELECT true FROM jobs q
                         WHERE q.project_id = p.id AND q.state = 'QUEUED' AND (:gpu OR NOT q.requires_gpu)
                         ORDER BY q.priority DESC, q.queued_at, q.id
                         LIMIT 1)),
            turns AS (
                SELECT project_id, max_running, running FROM waiting
                 WHERE running < max_running
                 ORDER BY running, served NULLS FIRST, project_id),
            next AS (
                SELECT t.project_id, t.max_running, j.id, j.updated_at, j.worker_id, j.lease_expires_at,
                       j.started_at, j.claimed_at
                  FROM turns t
                 CROSS JOIN LATERAL (
                       SELECT id, updated_at, worker_id, lease_expires_at, started_at, claimed_at FROM jobs
                        WHERE project_id = t.project_id AND state = 'QUEUED' AND (:gpu OR NOT requires_gpu)
                        ORDER BY priority DESC, queued_at, id
                        LIMIT 1
                          FOR UPDATE SKIP LOCKED) j
                 LIMIT 1)
            UPDATE jobs j
               SET state = 'RUNNING', worker_id = :worker, claim_group = :group,
                   lease_expires_at = now() + :leaseMillis * interval '1 millisecond',
                   started_at = coalesce(j.started_at, now()), claimed_at = now(), updated_at = now()
              FROM next
             WHERE j.id = next.id
            RETURNING j.id, j.attempt, j.spec, greatest(0, extract(epoch FROM now() - next.updated_at)) AS waited,
                      next.project_id, next.max_running, next.updated_at AS was_updated_at, next.worker_id AS was_worker_id,
                      next.lease_expires_at AS was_lease_expires_at, next.started_at AS was_started_at,
                      next.claimed_at AS was_claimed_at
            """;

    // The claim counted the project's running jobs in its own snapshot, which misses a claim of
    // the same project committed meanwhile: two claimers could both take the last slot. So each
    // claim then takes the project's lock (held until commit) and counts again in a new
    // statement, which sees every claim committed before; over the limit, the claim is undone.
    private static final String PROJECT_CLAIM_LOCK =
            "SELECT 1 FROM pg_advisory_xact_lock(hashtextextended('gantry-claim:' || :project, 0))";

    private static final String UNDO_OVER_LIMIT = """
            UPDATE jobs
               SET state = 'QUEUED', worker_id = :worker, lease_expires_at = :lease, started_at = :started,
                   claimed_at = :claimed, updated_at = :updated
             WHERE id = :id
               AND (SELECT count(*) FROM (SELECT 1 FROM jobs r
                                           WHERE r.project_id = :project AND r.state IN ('RUNNING', 'CANCELLING')
                                           LIMIT :maxRunning + 1) counted) > :maxRunning
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
    private final QuotaProperties quotas;

    JobClaimer(JdbcClient jdbc, JsonMapper json, SchedulerProperties properties) {
        this(jdbc, json, properties, QuotaProperties.defaults());
    }

    /** @param quotas the running-jobs limit of projects without their own */
    @Autowired
    JobClaimer(JdbcClient jdbc, JsonMapper json, SchedulerProperties properties, QuotaProperties quotas) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
        this.quotas = quotas;
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
        Optional<Row> claimed = jdbc.sql(CLAIM)
                .param("worker", workerId)
                .param("gpu", gpu)
                .param("group", group == null ? null : group.name(), Types.VARCHAR)
                .param("leaseMillis", properties.leaseDuration().toMillis())
                .param("defaultMaxRunning", quotas.maxRunningJobs())
                .query((rs, n) -> new Row(
                        new ClaimedJob(
                                rs.getObject("id", UUID.class),
                                rs.getInt("attempt"),
                                json.readValue(rs.getString("spec"), JobSpec.class)),
                        rs.getDouble("waited"),
                        rs.getObject("project_id", UUID.class),
                        rs.getLong("max_running"),
                        new Previous(
                                rs.getString("was_worker_id"),
                                rs.getObject("was_lease_expires_at", OffsetDateTime.class),
                                rs.getObject("was_started_at", OffsetDateTime.class),
                                rs.getObject("was_claimed_at", OffsetDateTime.class),
                                rs.getObject("was_updated_at", OffsetDateTime.class))))
                .optional()
                .filter(this::withinRunningLimit);
        claimed.ifPresent(row -> jdbc.sql(CLAIMED_EVENT)
                .param("id", row.job().id())
                .param("attempt", row.job().attempt())
                .param("worker", workerId)
                .param("device", gpu ? "gpu" : "cpu")
                .param("waited", row.waited())
                .update());
        return claimed.map(Row::job);
    }

    /** The row's values before the claim, to put back when the claim is undone. */
    private record Previous(
            String workerId,
            OffsetDateTime leaseExpiresAt,
            OffsetDateTime startedAt,
            OffsetDateTime claimedAt,
            OffsetDateTime updatedAt) {}

    private record Row(ClaimedJob job, double waited, UUID project, long maxRunning, Previous previous) {}

    /** @return false when the claim took its project past its running-jobs quota, and was undone */
    private boolean withinRunningLimit(Row row) {
        jdbc.sql(PROJECT_CLAIM_LOCK)
                .param("project", row.project().toString())
                .query(Integer.class)
                .single();
        int undone = jdbc.sql(UNDO_OVER_LIMIT)
                .param("id", row.job().id())
                .param("project", row.project())
                .param("maxRunning", row.maxRunning())
                .param("worker", row.previous().workerId())
                .param("lease", row.previous().leaseExpiresAt())
                .param("started", row.previous().startedAt())
                .param("claimed", row.previous().claimedAt())
                .param("updated", row.previous().updatedAt())
                .update();
        return undone == 0;
    }
}
