package dev.gantry.scheduler;

import dev.gantry.job.JobRepository;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything a worker writes about the job it runs, fenced by the attempt it claimed: once the
 * reaper has taken the job back (attempt + 1), these updates match no row and report it.
 */
@Component
public class JobLeases {

    private static final String RENEW = """
            UPDATE jobs SET lease_expires_at = now() + :leaseMillis * interval '1 millisecond', updated_at = now()
             WHERE id = :id AND attempt = :attempt AND state IN ('RUNNING', 'CANCELLING')
            RETURNING state
            """;

    private static final String PROGRESS = """
            UPDATE jobs SET step = :step, steps_per_second = :rate, latest_metrics = latest_metrics || :metrics::jsonb,
                            updated_at = now()
             WHERE id = :id AND attempt = :attempt AND state IN ('RUNNING', 'CANCELLING')
            """;

    // A cancel keeps the reason it was asked with (a sweep's EARLY_STOPPED), if any.
    private static final String FINISH = """
            UPDATE jobs SET state = :state, step = greatest(step, :step), finished_at = now(), worker_id = NULL,
                            lease_expires_at = NULL,
                            failure_reason = CASE WHEN :state = 'CANCELLED' THEN failure_reason ELSE :reason END,
                            failure_message = CASE WHEN :state = 'CANCELLED' THEN failure_message ELSE :message END,
                            failure_step = CASE WHEN :state = 'CANCELLED' THEN failure_step ELSE :failureStep END,
                            updated_at = now()
             WHERE id = :id AND attempt = :attempt AND state IN ('RUNNING', 'CANCELLING')
            """;

    // A drained job goes back to the queue as a new attempt, ahead of jobs queued after it.
    private static final String RELEASE = """
            UPDATE jobs SET state = 'QUEUED', attempt = attempt + 1, worker_id = NULL, lease_expires_at = NULL,
                            updated_at = now()
             WHERE id = :id AND attempt = :attempt AND state = 'RUNNING'
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SchedulerProperties properties;
    private final JobRepository jobs;

    JobLeases(JdbcClient jdbc, JsonMapper json, SchedulerProperties properties, JobRepository jobs) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
        this.jobs = jobs;
    }

    public LeaseStatus renew(ClaimedJob job) {
        return jdbc.sql(RENEW)
                .param("id", job.id())
                .param("attempt", job.attempt())
                .param("leaseMillis", properties.leaseDuration().toMillis())
                .query(String.class)
                .optional()
                .map(state -> state.equals("CANCELLING") ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.HELD)
                .orElse(LeaseStatus.LOST);
    }

    /** Records where this run of the job starts: 0 from scratch, else the checkpoint's step. */
    public void started(ClaimedJob job, long fromStep) {
        jdbc.sql("""
                        INSERT INTO job_events (job_id, attempt, type, detail)
                        SELECT id, attempt, 'STARTED', jsonb_build_object('fromStep', :fromStep) FROM jobs
                         WHERE id = :id AND attempt = :attempt
                        """)
                .param("id", job.id())
                .param("attempt", job.attempt())
                .param("fromStep", fromStep)
                .update();
    }

    /** Non-finite values are left out of the job's latest metrics: JSON has no NaN. */
    public boolean progress(ClaimedJob job, long step, Double stepsPerSecond, Map<String, Double> latestMetrics) {
        Map<String, Double> finite = new TreeMap<>();
        latestMetrics.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) {
                finite.put(name, value);
            }
        });
        return jdbc.sql(PROGRESS)
                        .param("id", job.id())
                        .param("attempt", job.attempt())
                        .param("step", step)
                        .param("rate", stepsPerSecond)
                        .param("metrics", json.writeValueAsString(finite))
                        .update()
                == 1;
    }

    @Transactional
    public boolean succeed(ClaimedJob job, long step) {
        return finish(job, "SUCCEEDED", step, null, null, null);
    }

    @Transactional
    public boolean cancelled(ClaimedJob job, long step) {
        return finish(job, "CANCELLED", step, null, null, null);
    }

    @Transactional
    public boolean fail(ClaimedJob job, long step, String reason, String message) {
        return finish(job, "FAILED", step, reason, message, step);
    }

    /** Gives the job back to the queue (a worker draining on shutdown), to resume from its checkpoint. */
    @Transactional
    public boolean release(ClaimedJob job) {
        boolean released = jdbc.sql(RELEASE)
                        .param("id", job.id())
                        .param("attempt", job.attempt())
                        .update()
                == 1;
        if (released) {
            event(job, "RELEASED");
        }
        return released;
    }

    private boolean finish(ClaimedJob job, String state, long step, String reason, String message, Long failureStep) {
        boolean finished = jdbc.sql(FINISH)
                        .param("id", job.id())
                        .param("attempt", job.attempt())
                        .param("state", state)
                        .param("step", step)
                        .param("reason", reason)
                        .param("message", message)
                        .param("failureStep", failureStep)
                        .update()
                == 1;
        if (finished) {
            // The reason travels with the event: the operators' failure counts are by reason.
            jobs.recordEvent(job.id(), job.attempt(), state, reason == null ? Map.of() : Map.of("reason", reason));
        }
        return finished;
    }

    private void event(ClaimedJob job, String type) {
        jobs.recordEvent(job.id(), job.attempt(), type);
    }
}
