package dev.gantry.quota;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Each project's quotas (its own, or the server's defaults), what it uses of them, and the checks
 * the submit and upload paths make. The running-jobs quota is the claimer's: it passes over a
 * project at its limit (see {@code JobClaimer}).
 */
@Component
public class ProjectQuotas {

    /** A project's own values; null where the server's default applies. */
    public record Settings(Integer queuedJobs, Integer runningJobs, Long storedBytes) {}

    public record Limits(long queuedJobs, long runningJobs, long storedBytes) {}

    public record Usage(long queuedJobs, long runningJobs, long storedBytes) {}

    private static final String SETTINGS =
            "SELECT max_queued_jobs, max_running_jobs, max_stored_bytes FROM projects WHERE id = :project";

    private static final String UPDATE = """
            UPDATE projects SET max_queued_jobs = :queued, max_running_jobs = :running, max_stored_bytes = :bytes
             WHERE id = :project
            """;

    private static final String COUNT_JOBS = """
            SELECT count(*) FILTER (WHERE state = 'QUEUED') AS queued,
                   count(*) FILTER (WHERE state IN ('RUNNING', 'CANCELLING')) AS running
              FROM jobs WHERE project_id = :project AND state IN ('QUEUED', 'RUNNING', 'CANCELLING')
            """;

    // What the project's rows name in the object store. Content-addressed objects shared by two
    // rows count for each: a project pays for what it holds, whoever else holds the same bytes.
    // A dataset still arriving counts from the moment its upload is recorded, which is the
    // moment of its own check, so two concurrent uploads see each other.
    private static final String STORED_BYTES = """
            SELECT (coalesce((SELECT sum(CASE WHEN upload_key IS NOT NULL THEN coalesce(upload_bytes, 0) ELSE 0 END
                                      + CASE WHEN tensor_key IS NOT NULL THEN coalesce(tensor_bytes, 0) ELSE 0 END)
                               FROM datasets WHERE project_id = :project), 0)
                 + coalesce((SELECT sum(module_bytes) FROM feature_networks
                              WHERE project_id = :project AND module_key IS NOT NULL), 0)
                 + coalesce((SELECT sum(c.size_bytes) FROM checkpoints c JOIN jobs j ON j.id = c.job_id
                              WHERE j.project_id = :project), 0)
                 + coalesce((SELECT sum(s.size_bytes) FROM samples s JOIN jobs j ON j.id = s.job_id
                              WHERE j.project_id = :project), 0))::bigint
            """;

    // Serialises the storage check and the write it admits, per project, until the transaction
    // ends: two concurrent uploads cannot both take the last free bytes. Hashed, so two projects
    // may share a lock by chance; that only makes one wait for the other's short transaction.
    private static final String STORAGE_LOCK =
            "SELECT 1 FROM pg_advisory_xact_lock(hashtextextended('gantry-quota-storage:' || :project, 0))";

    private final JdbcClient jdbc;
    private final QuotaProperties defaults;

    ProjectQuotas(JdbcClient jdbc, QuotaProperties defaults) {
        this.jdbc = jdbc;
        this.defaults = defaults;
    }

    /** @return empty when there is no such project */
    public Optional<Settings> settings(UUID project) {
        return jdbc.sql(SETTINGS)
                .param("project", project)
                .query((rs, n) -> new Settings(
                        rs.getObject("max_queued_jobs", Integer.class),
                        rs.getObject("max_running_jobs", Integer.class),
                        rs.getObject("max_stored_bytes", Long.class)))
                .optional();
    }

    public Limits limits(Settings own) {
        return new Limits(
                own.queuedJobs() != null ? own.queuedJobs() : defaults.maxQueuedJobs(),
                own.runningJobs() != null ? own.runningJobs() : defaults.maxRunningJobs(),
                own.storedBytes() != null
                        ? own.storedBytes()
                        : defaults.maxStoredBytes().toBytes());
    }

    public Usage usage(UUID project) {
        return jdbc.sql(COUNT_JOBS)
                .param("project", project)
                .query((rs, n) -> new Usage(rs.getLong("queued"), rs.getLong("running"), storedBytes(project)))
                .single();
    }

    /** @return false when there is no such project */
    @Transactional
    public boolean set(UUID project, Settings own) {
        return jdbc.sql(UPDATE)
                        .param("project", project)
                        .param("queued", own.queuedJobs())
                        .param("running", own.runningJobs())
                        .param("bytes", own.storedBytes())
                        .update()
                == 1;
    }

    /** The running-jobs limit of a project without its own; the claimer's parameter. */
    public int defaultMaxRunningJobs() {
        return defaults.maxRunningJobs();
    }

    /**
     * Call with the queue's admission lock held (submit, resume), so the count cannot change
     * before the caller queues its job.
     *
     * @throws QuotaExceededException when the project's queue is full
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void requireQueueRoom(UUID project) {
        long limit = limitsOf(project).queuedJobs();
        long queued = jdbc.sql("SELECT count(*) FROM jobs WHERE project_id = :project AND state = 'QUEUED'")
                .param("project", project)
                .query(Long.class)
                .single();
        if (queued >= limit) {
            throw new QuotaExceededException(
                    Quota.QUEUED_JOBS,
                    limit,
                    queued,
                    "Project quota queuedJobs: " + queued + " of " + limit
                            + " jobs are waiting to run; try again when some have started");
        }
    }

    /**
     * For a submit or resume: a run writes checkpoints and samples, so none starts while the
     * project's storage is full. A running job is never stopped for it; its writes may take the
     * project past the quota, and then new work waits until something is deleted.
     *
     * @throws QuotaExceededException when the project stores its quota or more
     */
    public void requireStorageLeft(UUID project) {
        long limit = limitsOf(project).storedBytes();
        long used = storedBytes(project);
        if (used >= limit) {
            throw storageFull(limit, used, "no new job can run until some of it is deleted");
        }
    }

    /**
     * Before an upload is received: refuses at once when the project is full, or when the
     * declared size alone would not fit. No lock: the binding check is {@link #lockStorageFor}.
     *
     * @param declaredBytes the upload's declared size, or -1 when unknown
     */
    public void precheckStorage(UUID project, long declaredBytes) {
        long limit = limitsOf(project).storedBytes();
        long used = storedBytes(project);
        if (used >= limit || (declaredBytes > 0 && used + declaredBytes > limit)) {
            throw storageFull(limit, used, uploadAdvice(declaredBytes));
        }
    }

    /**
     * Inside the transaction that records an upload's bytes, before it commits: locks the
     * project's storage and checks that {@code bytes} more fit.
     *
     * @throws QuotaExceededException when they do not; the caller's transaction must not commit
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lockStorageFor(UUID project, long bytes) {
        jdbc.sql(STORAGE_LOCK)
                .param("project", project.toString())
                .query(Integer.class)
                .single();
        long limit = limitsOf(project).storedBytes();
        long used = storedBytes(project);
        if (used + bytes > limit) {
            throw storageFull(limit, used, uploadAdvice(bytes));
        }
    }

    private static String uploadAdvice(long bytes) {
        return (bytes > 0 ? "an upload of " + bytes + " bytes does not fit" : "no upload fits")
                + "; delete datasets, feature networks or jobs' artifacts, or ask an owner to raise it";
    }

    private static QuotaExceededException storageFull(long limit, long used, String advice) {
        return new QuotaExceededException(
                Quota.STORED_BYTES,
                limit,
                used,
                "Project quota storedBytes: " + used + " of " + limit + " bytes are stored; " + advice);
    }

    private Limits limitsOf(UUID project) {
        return limits(settings(project).orElseGet(() -> new Settings(null, null, null)));
    }

    private long storedBytes(UUID project) {
        return jdbc.sql(STORED_BYTES)
                .param("project", project)
                .query(Long.class)
                .single();
    }
}
