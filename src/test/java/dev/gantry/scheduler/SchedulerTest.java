package dev.gantry.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.JobRepository;
import dev.gantry.limits.LimitsProperties;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Claims, leases, the reaper and notifications on a real PostgreSQL, each test on a database of its own. */
class SchedulerTest {

    private static final SchedulerProperties PROPERTIES =
            new SchedulerProperties(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1));
    // Leases that are over as soon as they are granted: every claim is a run the reaper will take back.
    private static final SchedulerProperties SHORT_LEASES =
            new SchedulerProperties(Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    private static final int MAX_ATTEMPTS = 3;

    DataSource dataSource;
    JdbcClient jdbc;
    JobClaimer claimer;
    JobLeases leases;
    LeaseReaper reaper;

    @BeforeEach
    void database() {
        dataSource = TestDatabase.migrated();
        jdbc = JdbcClient.create(dataSource);
        JsonMapper json = JsonMapper.builder().build();
        claimer = new JobClaimer(jdbc, json, PROPERTIES);
        leases = new JobLeases(jdbc, json, PROPERTIES, new JobRepository(jdbc, json));
        reaper = new LeaseReaper(
                jdbc,
                new SimpleMeterRegistry(),
                new LimitsProperties(
                        1000, MAX_ATTEMPTS, Duration.ofHours(24), Duration.ofDays(7), DataSize.ofMegabytes(1)));
    }

    @Test
    void concurrent_claimers_never_get_the_same_job() throws Exception {
        List<UUID> queued = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            queued.add(queue(0));
        }
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> claimers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            String worker = "worker-" + w;
            // Each claimer has its own JdbcClient on the shared server: real concurrent transactions.
            JobClaimer own = new JobClaimer(
                    JdbcClient.create(dataSource), JsonMapper.builder().build(), PROPERTIES);
            claimers.add(pool.submit(() -> {
                start.await();
                for (Optional<ClaimedJob> job; (job = own.claim(worker)).isPresent(); ) {
                    claimed.add(job.get().id());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : claimers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(claimed).hasSize(60).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(queued);
        assertThat(jdbc.sql("SELECT count(DISTINCT worker_id) FROM jobs WHERE state = 'RUNNING'")
                        .query(Long.class)
                        .single())
                .isGreaterThan(1);
    }

    @Test
    void claims_take_the_highest_priority_then_the_oldest() {
        UUID oldLow = queue(0);
        UUID high = queue(5);
        UUID newLow = queue(0);

        assertThat(claimer.claim("w").orElseThrow().id()).isEqualTo(high);
        assertThat(claimer.claim("w").orElseThrow().id()).isEqualTo(oldLow);
        assertThat(claimer.claim("w").orElseThrow().id()).isEqualTo(newLow);
        assertThat(claimer.claim("w")).isEmpty();
    }

    @Test
    void an_expired_lease_requeues_the_job_as_a_new_attempt_and_fences_the_old_run() {
        UUID id = queue(0);
        ClaimedJob first = claimer.claim("lost-worker").orElseThrow();
        assertThat(leases.renew(first)).isEqualTo(LeaseStatus.HELD);
        assertThat(reaper.reapExpiredLeases()).isEmpty();

        expireLease(id);
        List<LeaseReaper.Reaped> reaped = reaper.reapExpiredLeases();

        assertThat(reaped).containsExactly(new LeaseReaper.Reaped(id, 2, "QUEUED"));
        assertThat(state(id)).isEqualTo("QUEUED");
        // The old run can no longer renew, report, finish or write metric points.
        MetricWriter metrics = new MetricWriter(dataSource);
        assertThat(leases.renew(first)).isEqualTo(LeaseStatus.LOST);
        assertThat(leases.progress(first, 10, 1.0, java.util.Map.of("loss/d", 0.5)))
                .isFalse();
        assertThat(metrics.write(id, first.attempt(), List.of(new MetricPoint("loss/d", 10, 0.5))))
                .isFalse();
        ClaimedJob second = claimer.claim("new-worker").orElseThrow();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(leases.succeed(first, 10)).isFalse();
        assertThat(leases.succeed(second, 10)).isTrue();
        assertThat(state(id)).isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT type FROM job_events WHERE job_id = ? ORDER BY id")
                        .param(id)
                        .query(String.class)
                        .list())
                .containsSubsequence("CLAIMED", "LEASE_EXPIRED", "CLAIMED", "SUCCEEDED");
    }

    @Test
    void a_heartbeat_learns_of_a_cancel_and_an_expired_cancelling_job_ends_cancelled() {
        UUID id = queue(0);
        ClaimedJob job = claimer.claim("w").orElseThrow();
        jdbc.sql("UPDATE jobs SET state = 'CANCELLING' WHERE id = ?").param(id).update();

        assertThat(leases.renew(job)).isEqualTo(LeaseStatus.CANCEL_REQUESTED);

        expireLease(id);
        reaper.reapExpiredLeases();
        assertThat(state(id)).isEqualTo("CANCELLED");
        assertThat(leases.cancelled(job, 5)).isFalse();
    }

    @Test
    void a_draining_worker_hands_its_job_back_for_another_attempt() {
        UUID id = queue(0);
        ClaimedJob job = claimer.claim("w").orElseThrow();

        assertThat(leases.release(job)).isTrue();

        assertThat(state(id)).isEqualTo("QUEUED");
        assertThat(claimer.claim("other").orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void a_job_that_loses_max_attempts_runs_to_expired_leases_fails_with_MAX_ATTEMPTS() {
        UUID id = queue(0);
        JobClaimer shortClaimer = new JobClaimer(jdbc, JsonMapper.builder().build(), SHORT_LEASES);

        List<String> states = new ArrayList<>();
        ClaimedJob last = null;
        for (int run = 1; run <= MAX_ATTEMPTS; run++) {
            last = shortClaimer.claim("crashing-worker-" + run).orElseThrow();
            states.add(reapUntilTaken(id).state());
        }

        assertThat(states).containsExactly("QUEUED", "QUEUED", "FAILED");
        assertThat(state(id)).isEqualTo("FAILED");
        assertThat(jdbc.sql("SELECT failure_reason FROM jobs WHERE id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("MAX_ATTEMPTS");
        assertThat(jdbc.sql("SELECT failure_message FROM jobs WHERE id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .contains("lost 3 runs");
        assertThat(jdbc.sql("SELECT finished_at IS NOT NULL AND worker_id IS NULL FROM jobs WHERE id = ?")
                        .param(id)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(leaseLosses(id)).isEqualTo(MAX_ATTEMPTS);
        assertThat(events(id))
                .containsExactly(
                        "CLAIMED", "LEASE_EXPIRED", "CLAIMED", "LEASE_EXPIRED", "CLAIMED", "LEASE_EXPIRED", "FAILED");
        // Nothing claims it again, and the last run is fenced off like any other lost run.
        assertThat(claimer.claim("w")).isEmpty();
        assertThat(leases.succeed(last, 100)).isFalse();
    }

    @Test
    void a_drained_run_does_not_count_as_a_lost_one() {
        UUID id = queue(0);
        JobClaimer shortClaimer = new JobClaimer(jdbc, JsonMapper.builder().build(), SHORT_LEASES);
        for (int i = 0; i < MAX_ATTEMPTS + 2; i++) {
            assertThat(leases.release(claimer.claim("draining-worker").orElseThrow()))
                    .isTrue();
        }
        for (int run = 1; run < MAX_ATTEMPTS; run++) {
            shortClaimer.claim("crashing-worker").orElseThrow();
            assertThat(reapUntilTaken(id).state()).isEqualTo("QUEUED");
        }

        assertThat(leaseLosses(id)).isEqualTo(MAX_ATTEMPTS - 1);
        shortClaimer.claim("crashing-worker").orElseThrow();
        assertThat(reapUntilTaken(id).state()).isEqualTo("FAILED");
    }

    @Test
    void an_expired_lease_on_a_cancelling_job_ends_it_cancelled_without_counting_a_lost_run() {
        UUID id = queue(0);
        jdbc.sql("UPDATE jobs SET lease_losses = ? WHERE id = ?")
                .params(MAX_ATTEMPTS - 1, id)
                .update();
        claimer.claim("w").orElseThrow();
        jdbc.sql("UPDATE jobs SET state = 'CANCELLING' WHERE id = ?").param(id).update();

        expireLease(id);
        reaper.reapExpiredLeases();

        assertThat(state(id)).isEqualTo("CANCELLED");
        assertThat(leaseLosses(id)).isEqualTo(MAX_ATTEMPTS - 1);
        assertThat(jdbc.sql("SELECT failure_reason FROM jobs WHERE id = ?")
                        .param(id)
                        .query(String.class)
                        .optional())
                .isEmpty();
    }

    @Test
    void an_idle_worker_is_woken_by_a_queued_job_within_a_second_and_hears_cancels() throws Exception {
        BlockingQueue<UUID> cancels = new LinkedBlockingQueue<>();
        try (JobSignals signals = new JobSignals(dataSource, cancels::add)) {
            signals.awaitWork(Duration.ofSeconds(5)); // the initial "maybe work arrived while not listening"
            CountDownLatch woken = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try {
                    signals.awaitWork(Duration.ofSeconds(20));
                    woken.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waiter.start();
            Thread.sleep(300); // let the waiter block first; the assertion is on the wake-up below

            long queuedAt = System.nanoTime();
            UUID id = queue(0);
            assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
            long wakeMillis = (System.nanoTime() - queuedAt) / 1_000_000;

            claimer.claim("w");
            jdbc.sql("UPDATE jobs SET state = 'CANCELLING' WHERE id = ?")
                    .param(id)
                    .update();
            assertThat(cancels.poll(10, TimeUnit.SECONDS)).isEqualTo(id);
            assertThat(wakeMillis).isLessThan(1000);
        }
    }

    @Test
    void a_job_that_requires_a_gpu_is_passed_over_by_cpu_workers_and_claimed_by_a_gpu_worker() {
        UUID gpuJob = queue(5, true);
        UUID cpuJob = queue(0, false);

        assertThat(claimer.claim("cpu-worker", false).orElseThrow().id())
                .as("the higher-priority GPU job is skipped, not waited for")
                .isEqualTo(cpuJob);
        assertThat(claimer.claim("cpu-worker", false)).isEmpty();
        assertThat(state(gpuJob)).isEqualTo("QUEUED");

        assertThat(claimer.claim("gpu-worker", true).orElseThrow().id()).isEqualTo(gpuJob);
        assertThat(jdbc.sql("SELECT detail->>'device' FROM job_events WHERE job_id = ? AND type = 'CLAIMED'")
                        .param(gpuJob)
                        .query(String.class)
                        .single())
                .isEqualTo("gpu");
    }

    @Test
    void a_gpu_worker_also_takes_jobs_that_need_no_gpu() {
        UUID cpuJob = queue(0, false);

        assertThat(claimer.claim("gpu-worker", true).orElseThrow().id()).isEqualTo(cpuJob);
    }

    @Test
    void the_gpu_requirement_is_read_from_the_stored_spec() {
        UUID id = queue(0, false);
        jdbc.sql("UPDATE jobs SET spec = spec || '{\"resources\": {\"gpu\": true}}'::jsonb WHERE id = ?")
                .param(id)
                .update();

        assertThat(claimer.claim("cpu-worker", false)).isEmpty();
        assertThat(claimer.claim("gpu-worker", true)).isPresent();
    }

    @Test
    void a_claim_records_how_long_the_job_waited_since_it_was_last_queued() {
        UUID id = queue(0);
        jdbc.sql("UPDATE jobs SET updated_at = now() - interval '90 seconds', queued_at = now() - interval '1 hour'"
                        + " WHERE id = ?")
                .param(id)
                .update();

        claimer.claim("w");

        double waited = jdbc.sql(
                        "SELECT (detail->>'waitedSeconds')::float8 FROM job_events WHERE job_id = ? AND type = 'CLAIMED'")
                .param(id)
                .query(Double.class)
                .single();
        assertThat(waited).isBetween(90.0, 100.0);
    }

    @Test
    void the_job_of_an_exited_worker_is_requeued_at_once_as_a_new_attempt_and_the_dead_run_is_fenced() {
        UUID id = queue(0);
        UUID other = queue(0);
        ClaimedJob dead = claimer.claim("host-41-aaaaaaaa").orElseThrow();
        ClaimedJob alive = claimer.claim("host-42-bbbbbbbb").orElseThrow();
        assertThat(dead.id()).isEqualTo(id);

        List<LeaseReaper.Reaped> taken =
                reaper.takeBackFromExitedWorker("host-41-aaaaaaaa", "local worker 1 exited with code 137 (signal 9)");

        assertThat(taken).containsExactly(new LeaseReaper.Reaped(id, 2, "QUEUED"));
        assertThat(state(other)).as("another worker's job is left alone").isEqualTo("RUNNING");
        assertThat(leases.renew(alive)).isEqualTo(LeaseStatus.HELD);
        assertThat(leases.renew(dead)).isEqualTo(LeaseStatus.LOST);
        assertThat(leases.succeed(dead, 10)).isFalse();
        assertThat(leaseLosses(id)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT detail->>'reason' FROM job_events WHERE job_id = ? AND type = 'WORKER_EXITED'")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("local worker 1 exited with code 137 (signal 9)");
        assertThat(claimer.claim("host-43-cccccccc").orElseThrow().attempt()).isEqualTo(2);
        // Taking back twice (the reaper, a second exit notice) finds nothing more.
        assertThat(reaper.takeBackFromExitedWorker("host-41-aaaaaaaa", "again")).isEmpty();
    }

    @Test
    void exited_workers_count_against_max_attempts_like_expired_leases() {
        UUID id = queue(0);
        List<String> states = new ArrayList<>();
        for (int run = 1; run <= MAX_ATTEMPTS; run++) {
            claimer.claim("crashing-" + run).orElseThrow();
            states.add(reaper.takeBackFromExitedWorker("crashing-" + run, "exit")
                    .get(0)
                    .state());
        }

        assertThat(states).containsExactly("QUEUED", "QUEUED", "FAILED");
        assertThat(jdbc.sql("SELECT failure_reason FROM jobs WHERE id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("MAX_ATTEMPTS");
        assertThat(events(id)).endsWith("WORKER_EXITED", "FAILED");
    }

    @Test
    void a_cancelling_job_whose_worker_exits_ends_cancelled() {
        UUID id = queue(0);
        claimer.claim("w-1-x").orElseThrow();
        jdbc.sql("UPDATE jobs SET state = 'CANCELLING' WHERE id = ?").param(id).update();

        reaper.takeBackFromExitedWorker("w-1-x", "exit");

        assertThat(state(id)).isEqualTo("CANCELLED");
        assertThat(leaseLosses(id)).isZero();
    }

    private UUID queue(int priority, boolean gpu) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, priority, spec, total_steps, queued_at)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'test', 'QUEUED', ?, jsonb_build_object('dataset', 'ring8',
                                'resources', jsonb_build_object('gpu', ?)), 100, clock_timestamp())
                        """).params(id, priority, gpu).update();
        return id;
    }

    private UUID queue(int priority) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, priority, spec, total_steps, queued_at)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'test', 'QUEUED', ?, '{"dataset": "ring8"}'::jsonb, 100, clock_timestamp())
                        """).params(id, priority).update();
        return id;
    }

    /** The reaper's next round that takes this job back; a lease of 1 ms is over by then, or very soon after. */
    private LeaseReaper.Reaped reapUntilTaken(UUID id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (LeaseReaper.Reaped reaped : reaper.reapExpiredLeases()) {
                if (reaped.id().equals(id)) {
                    return reaped;
                }
            }
        }
        throw new AssertionError("the lease of job " + id + " did not expire within 5 s");
    }

    private int leaseLosses(UUID id) {
        return jdbc.sql("SELECT lease_losses FROM jobs WHERE id = ?")
                .param(id)
                .query(Integer.class)
                .single();
    }

    private List<String> events(UUID id) {
        return jdbc.sql("SELECT type FROM job_events WHERE job_id = ? ORDER BY id")
                .param(id)
                .query(String.class)
                .list();
    }

    private void expireLease(UUID id) {
        jdbc.sql("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ?")
                .param(id)
                .update();
    }

    private String state(UUID id) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
    }
}
