package dev.gantry.scheduler;

import dev.gantry.job.JobSpec;
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
    // waiting for it, so two workers never get the same job and never block each other.
    private static final String CLAIM = """
            UPDATE jobs
               SET state = 'RUNNING', worker_id = :worker, lease_expires_at = now() + :leaseMillis * interval '1 millisecond',
                   started_at = coalesce(started_at, now()), updated_at = now()
             WHERE id = (SELECT id FROM jobs
                          WHERE state = 'QUEUED'
                          ORDER BY priority DESC, queued_at, id
                          LIMIT 1
                            FOR UPDATE SKIP LOCKED)
            RETURNING id, attempt, spec
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SchedulerProperties properties;

    JobClaimer(JdbcClient jdbc, JsonMapper json, SchedulerProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    @Transactional
    public Optional<ClaimedJob> claim(String workerId) {
        Optional<ClaimedJob> claimed = jdbc.sql(CLAIM)
                .param("worker", workerId)
                .param("leaseMillis", properties.leaseDuration().toMillis())
                .query((rs, n) -> new ClaimedJob(
                        rs.getObject("id", UUID.class),
                        rs.getInt("attempt"),
                        json.readValue(rs.getString("spec"), JobSpec.class)))
                .optional();
        claimed.ifPresent(job -> jdbc.sql("""
                        INSERT INTO job_events (job_id, attempt, type, detail)
                        VALUES (:id, :attempt, 'CLAIMED', jsonb_build_object('worker', :worker::text))
                        """)
                .param("id", job.id())
                .param("attempt", job.attempt())
                .param("worker", workerId)
                .update());
        return claimed;
    }
}
