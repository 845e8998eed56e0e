package dev.gantry.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.quota.QuotaProperties;
import dev.gantry.testsupport.AtOnce;
import dev.gantry.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The claim's fair share across projects and its running-jobs quota, driving {@link JobClaimer}
 * directly on a real PostgreSQL (a database per test, no training). Every test makes its own
 * projects and counts only their jobs.
 */
class FairShareTest {

    private static final SchedulerProperties PROPERTIES =
            new SchedulerProperties(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1));

    DataSource dataSource;
    JdbcClient jdbc;
    JobClaimer claimer;
    /** Which project each job the test queued belongs to. */
    final Map<UUID, String> projectOf = new HashMap<>();

    @BeforeEach
    void database() {
        dataSource = TestDatabase.migrated();
        jdbc = JdbcClient.create(dataSource);
        claimer = new JobClaimer(jdbc, JsonMapper.builder().build(), PROPERTIES, QuotaProperties.defaults());
    }

    /** How claims went: the project of each, in order. */
    record Claims(List<String> order) {

        long count(String project, int firstN) {
            return order.subList(0, Math.min(firstN, order.size())).stream()
                    .filter(project::equals)
                    .count();
        }

        int positionOfLast(String project) {
            return order.lastIndexOf(project) + 1;
        }
    }

    @Test
    void a_project_with_a_few_jobs_is_served_at_once_beside_one_with_two_hundred_and_shares_are_equal() {
        for (boolean finishEach : new boolean[] {false, true}) {
            UUID a = project("fair-a", null);
            queue(a, 200, 0, false);
            UUID b = project("fair-b", null);
            queue(b, 5, 0, false);

            Claims claims = claimOwn(40, finishEach);

            String mode = finishEach ? "one worker, each job ends before the next claim" : "jobs keep running";
            int bDone = claims.positionOfLast("fair-b");
            System.out.printf(
                    "Fair share (%s): A queued 200, then B 5. B's jobs were claims %s; in the first %d claims"
                            + " (while both waited) A had %d, B %d; first 40 claims: A %d, B %d%n",
                    mode,
                    positions(claims, "fair-b"),
                    bDone,
                    claims.count("fair-a", bDone),
                    claims.count("fair-b", bDone),
                    claims.count("fair-a", 40),
                    claims.count("fair-b", 40));
            // Strict turns while both wait: B's five jobs take five of the first ten claims, not
            // claims 201 to 205 as by age alone.
            assertThat(bDone).as(mode).isLessThanOrEqualTo(10);
            assertThat(claims.count("fair-b", 2)).as(mode).isEqualTo(1);
            assertThat(Math.abs(claims.count("fair-a", bDone) - claims.count("fair-b", bDone)))
                    .as(mode)
                    .isLessThanOrEqualTo(1);
            // And once B has nothing waiting, A gets every claim.
            assertThat(claims.order().subList(bDone, 40)).as(mode).containsOnly("fair-a");
            finishAll();
        }
    }

    @Test
    void over_a_long_window_two_busy_projects_each_get_half_of_the_claims() {
        UUID a = project("busy-a", null);
        queue(a, 300, 0, false);
        UUID b = project("busy-b", null);
        queue(b, 100, 0, false);

        Claims claims = claimOwn(200, true);

        long aShare = claims.count("busy-a", 200);
        long bShare = claims.count("busy-b", 200);
        System.out.printf(
                "Fair share over 200 claims, one worker: A (300 queued first) %d (%.1f %%), B (100 queued after) %d (%.1f %%)%n",
                aShare, aShare / 2.0, bShare, bShare / 2.0);
        assertThat(aShare).isEqualTo(100);
        assertThat(bShare).isEqualTo(100);
    }

    @Test
    void priority_orders_a_projects_own_jobs_but_does_not_jump_another_projects_turn() {
        UUID a = project("prio-a", null);
        UUID aLow = queue(a, 1, 0, false).get(0);
        UUID aHigh = queue(a, 1, 9, false).get(0);
        UUID b = project("prio-b", null);
        UUID bLow = queue(b, 1, 0, false).get(0);

        List<UUID> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            order.add(claimer.claim("w").orElseThrow().id());
        }

        assertThat(order).containsExactlyInAnyOrder(aLow, aHigh, bLow);
        assertThat(order.indexOf(aHigh)).isLessThan(order.indexOf(aLow));
        // B's turn comes before A's second job, whatever A's priorities.
        assertThat(order.indexOf(bLow)).isLessThan(order.indexOf(aLow));
    }

    @Test
    void a_project_at_its_running_quota_is_passed_over_and_its_jobs_stay_queued() {
        UUID limited = project("limited", 2);
        List<UUID> limitedJobs = queue(limited, 10, 0, false);
        UUID other = project("other", null);
        queue(other, 3, 0, false);

        List<String> claimed = new ArrayList<>();
        for (Optional<ClaimedJob> job; (job = claimer.claim("w")).isPresent(); ) {
            claimed.add(projectOf.getOrDefault(job.get().id(), "someone else's"));
        }

        assertThat(claimed).filteredOn("limited"::equals).hasSize(2);
        assertThat(claimed).filteredOn("other"::equals).hasSize(3);
        assertThat(count(limited, "RUNNING")).isEqualTo(2);
        assertThat(count(limited, "QUEUED")).isEqualTo(8);

        // A job of the project ends: its next job is claimable again, and only one.
        UUID running = jdbc.sql("SELECT id FROM jobs WHERE project_id = ? AND state = 'RUNNING' LIMIT 1")
                .param(limited)
                .query(UUID.class)
                .single();
        finish(running);
        ClaimedJob next = claimer.claim("w").orElseThrow();
        assertThat(limitedJobs).contains(next.id());
        assertThat(claimer.claim("w")).isEmpty();
    }

    @Test
    void a_running_quota_of_zero_holds_every_job_of_the_project_in_the_queue() {
        UUID frozen = project("frozen", 0);
        queue(frozen, 3, 0, false);

        assertThat(claimer.claim("w")).isEmpty();
        assertThat(count(frozen, "QUEUED")).isEqualTo(3);
    }

    @Test
    void concurrent_claimers_never_take_a_project_past_its_running_quota() throws Exception {
        int claimers = 8;
        for (int round = 0; round < 5; round++) {
            UUID limited = project("race-" + round, 3);
            queue(limited, 40, 0, false);
            List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
            AtOnce.run(claimers, w -> {
                // Each its own JdbcClient on the shared server: real concurrent transactions. Each
                // claim in a transaction of its own, as the worker's proxied bean makes it: the
                // recount after the project's lock is only right while the claim is uncommitted.
                JobClaimer own = new JobClaimer(
                        JdbcClient.create(dataSource),
                        JsonMapper.builder().build(),
                        PROPERTIES,
                        QuotaProperties.defaults());
                TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(dataSource));
                return () -> {
                    // A claimer that found the slot taken by a racer returns nothing; try a few times.
                    for (int tries = 0; tries < 5; tries++) {
                        tx.execute(s -> own.claim("racer-" + w)).ifPresent(job -> claimed.add(job.id()));
                    }
                    return null;
                };
            });

            assertThat(claimed).as("round %d", round).hasSize(3).doesNotHaveDuplicates();
            assertThat(count(limited, "RUNNING")).as("round %d", round).isEqualTo(3);
            assertThat(count(limited, "QUEUED")).as("round %d", round).isEqualTo(37);
            // An undone claim leaves no trace: no CLAIMED event, no worker, no start time.
            assertThat(jdbc.sql("""
                            SELECT count(*) FROM jobs WHERE project_id = ? AND state = 'QUEUED'
                               AND (worker_id IS NOT NULL OR started_at IS NOT NULL OR claimed_at IS NOT NULL
                                    OR EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = jobs.id AND e.type = 'CLAIMED'))
                            """).param(limited).query(Long.class).single())
                    .as("round %d", round)
                    .isZero();
        }
    }

    /**
     * The projects are tried in turn, each under SKIP LOCKED: a claim must lock only the job it
     * takes, not the best job of every project it looked at, or a concurrent claimer would find
     * those locked and go without.
     */
    @Test
    void an_open_claim_locks_only_its_own_job_and_a_concurrent_claim_takes_another_projects() throws Exception {
        UUID a = project("lock-a", null);
        queue(a, 1, 0, false);
        UUID b = project("lock-b", null);
        queue(b, 1, 0, false);
        TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<UUID> held = pool.submit(() -> tx.execute(s -> {
            UUID id = claimer.claim("holder").orElseThrow().id();
            claimed.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return id;
        }));
        assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();

        Optional<ClaimedJob> other = claimer.claim("other");

        release.countDown();
        UUID first = held.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(other).isPresent();
        assertThat(projectOf.get(other.get().id())).isNotEqualTo(projectOf.get(first));
    }

    @Test
    void a_project_whose_waiting_jobs_all_need_a_gpu_does_not_take_a_cpu_workers_turn() {
        UUID gpuOnly = project("gpu-only", null);
        queue(gpuOnly, 2, 0, true);
        UUID cpu = project("cpu", null);
        UUID cpuJob = queue(cpu, 1, 0, false).get(0);

        assertThat(claimer.claim("cpu-worker", false).orElseThrow().id()).isEqualTo(cpuJob);
        assertThat(claimer.claim("cpu-worker", false)).isEmpty();
        assertThat(projectOf.get(claimer.claim("gpu-worker", true).orElseThrow().id()))
                .isEqualTo("gpu-only");
    }

    /** {@code n} claims by one worker, of this test's jobs only; each job ends at once when asked. */
    private Claims claimOwn(int n, boolean finishEach) {
        List<String> order = new ArrayList<>();
        while (order.size() < n) {
            ClaimedJob job = claimer.claim("w").orElseThrow();
            String project = projectOf.get(job.id());
            if (project != null) {
                order.add(project);
            }
            if (finishEach) {
                finish(job.id());
            }
        }
        return new Claims(order);
    }

    private static String positions(Claims claims, String project) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < claims.order().size(); i++) {
            if (claims.order().get(i).equals(project)) {
                at.add(i + 1);
            }
        }
        return at.toString();
    }

    private UUID project(String name, Integer maxRunningJobs) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO projects (id, name, max_running_jobs) VALUES (?, ?, ?)")
                .params(id, name + "-" + id, maxRunningJobs)
                .update();
        return id;
    }

    private List<UUID> queue(UUID project, int count, int priority, boolean gpu) {
        String name = jdbc.sql("SELECT name FROM projects WHERE id = ?")
                .param(project)
                .query(String.class)
                .single();
        String label = name.substring(0, name.length() - 37);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            jdbc.sql("""
                            INSERT INTO jobs (id, project_id, name, state, priority, spec, total_steps, queued_at)
                            VALUES (?, ?, 'fair', 'QUEUED', ?, jsonb_build_object('dataset', 'ring8',
                                    'resources', jsonb_build_object('gpu', ?)), 100, clock_timestamp())
                            """).params(id, project, priority, gpu).update();
            projectOf.put(id, label);
            ids.add(id);
        }
        return ids;
    }

    private void finish(UUID id) {
        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), worker_id = NULL, lease_expires_at = NULL"
                        + " WHERE id = ?")
                .param(id)
                .update();
    }

    /** Ends every job this test queued, so a next round starts from an idle queue. */
    private void finishAll() {
        projectOf.keySet().forEach(this::finish);
    }

    private long count(UUID project, String state) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE project_id = ? AND state = ?")
                .params(project, state)
                .query(Long.class)
                .single();
    }
}
