package dev.gantry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.Job;
import dev.gantry.job.JobService;
import dev.gantry.job.JobSpec;
import dev.gantry.job.JobState;
import dev.gantry.scheduler.ClaimedJob;
import dev.gantry.scheduler.JobLeases;
import dev.gantry.scheduler.LeaseReaper;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A cancel with a reason (a sweep's EARLY_STOPPED) keeps it whichever way the run ends: at once
 * when queued, by its worker, or by the reaper when that worker's lease expires. A user's cancel
 * keeps no reason, and a resume clears it.
 */
@GantryIntegrationTest
class EarlyStopReasonTest {

    @LocalServerPort
    int port;

    @Autowired
    JobService jobs;

    @Autowired
    JobLeases leases;

    @Autowired
    LeaseReaper reaper;

    @Autowired
    JdbcClient jdbc;

    private UUID running(int step) {
        Http.Response submitted =
                new Http(port).post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":1000}}");
        UUID id = UUID.fromString(submitted.json().get("id").asString());
        // As a worker's claim leaves it, without a worker.
        jdbc.sql("""
                        UPDATE jobs SET state = 'RUNNING', step = :step, worker_id = 'test-worker',
                                        lease_expires_at = now() + interval '1 hour' WHERE id = :id
                        """).param("id", id).param("step", step).update();
        return id;
    }

    @Test
    void the_worker_ending_a_stopped_run_keeps_the_reason() {
        UUID id = running(300);
        Job cancelling = jobs.cancel(id, "EARLY_STOPPED", "rung 0");
        assertThat(cancelling.state()).isEqualTo(JobState.CANCELLING);
        JobSpec spec = jobs.get(id).spec();
        assertThat(leases.cancelled(new ClaimedJob(id, 1, spec), 340)).isTrue();
        Job done = jobs.get(id);
        assertThat(done.state()).isEqualTo(JobState.CANCELLED);
        assertThat(done.failure()).isEqualTo(new Job.Failure("EARLY_STOPPED", "rung 0", 300L));
        assertThat(done.step()).isEqualTo(340);

        // A resume clears it; a user's cancel then has none.
        jobs.resume(id);
        assertThat(jobs.get(id).failure()).isNull();
        assertThat(jobs.cancel(id).failure()).isNull();
    }

    @Test
    void the_reaper_ending_a_stopped_run_keeps_the_reason() {
        UUID id = running(500);
        jobs.cancel(id, "EARLY_STOPPED", "rung 1");
        jdbc.sql("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                .param("id", id)
                .update();
        reaper.reapExpiredLeases();
        Job done = jobs.get(id);
        assertThat(done.state()).isEqualTo(JobState.CANCELLED);
        assertThat(done.failure()).isEqualTo(new Job.Failure("EARLY_STOPPED", "rung 1", 500L));
    }

    @Test
    void a_queued_trial_stopped_early_is_cancelled_at_once_with_the_reason_and_a_users_cancel_has_none() {
        Http http = new Http(port);
        UUID stopped = UUID.fromString(http.post("/api/v1/jobs", "{\"dataset\":\"ring8\"}")
                .json()
                .get("id")
                .asString());
        assertThat(jobs.cancel(stopped, "EARLY_STOPPED", "rung 0").failure().reason())
                .isEqualTo("EARLY_STOPPED");
        assertThat(http.get("/api/v1/jobs/" + stopped)
                        .json()
                        .at("/failure/reason")
                        .asString())
                .isEqualTo("EARLY_STOPPED");

        UUID user = running(10);
        http.post("/api/v1/jobs/" + user + "/cancel", "");
        assertThat(leases.cancelled(new ClaimedJob(user, 1, jobs.get(user).spec()), 20))
                .isTrue();
        assertThat(jobs.get(user).failure()).isNull();
    }
}
