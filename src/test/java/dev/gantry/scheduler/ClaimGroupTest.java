package dev.gantry.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

/** A claim group caps its members' running jobs, even when they all claim at once. */
class ClaimGroupTest {

    private static final SchedulerProperties PROPERTIES =
            new SchedulerProperties(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1));

    DataSource dataSource;
    JdbcClient jdbc;
    JobClaimer claimer;
    TransactionTemplate tx;

    @BeforeEach
    void database() {
        dataSource = TestDatabase.migrated();
        jdbc = JdbcClient.create(dataSource);
        claimer = new JobClaimer(jdbc, JsonMapper.builder().build(), PROPERTIES);
        // The group's lock lives as long as the claim's transaction, as in the worker.
        tx = new TransactionTemplate(new JdbcTransactionManager(dataSource));
    }

    @Test
    void members_claiming_together_never_run_more_than_the_limit() throws Exception {
        for (int i = 0; i < 30; i++) {
            queue();
        }
        ClaimGroup group = new ClaimGroup("g-" + UUID.randomUUID(), 2);
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> members = new ArrayList<>();
        for (int m = 0; m < 6; m++) {
            String worker = "member-" + m;
            members.add(pool.submit(() -> {
                start.await();
                for (int attempt = 0; attempt < 10; attempt++) {
                    claim(worker, group).ifPresent(job -> claimed.add(job.id()));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : members) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(claimed).hasSize(2).doesNotHaveDuplicates();
        assertThat(running(group)).isEqualTo(2);

        // A finished job frees its slot; a worker outside the group was never held back.
        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED', finished_at = now() WHERE id = ?")
                .param(claimed.get(0))
                .update();
        assertThat(claim("member-0", group)).isPresent();
        assertThat(claim("member-1", group)).isEmpty();
        assertThat(claim("remote", null)).isPresent();
        assertThat(claim("other-group", new ClaimGroup("g-" + UUID.randomUUID(), 1)))
                .isPresent();
    }

    @Test
    void a_job_requeued_from_the_group_and_claimed_outside_it_no_longer_counts() {
        queue();
        queue();
        ClaimGroup group = new ClaimGroup("g-" + UUID.randomUUID(), 1);
        ClaimedJob first = claim("member", group).orElseThrow();
        assertThat(claim("spare", group)).isEmpty();

        // The member died: its job went back to the queue, and a remote worker took it.
        jdbc.sql("UPDATE jobs SET state = 'QUEUED', worker_id = NULL, attempt = attempt + 1 WHERE id = ?")
                .param(first.id())
                .update();
        assertThat(claim("remote", null).orElseThrow().id()).isEqualTo(first.id());
        assertThat(running(group)).isZero();
        assertThat(claim("spare", group)).isPresent();
    }

    private Optional<ClaimedJob> claim(String worker, ClaimGroup group) {
        return tx.execute(s -> claimer.claim(worker, false, group));
    }

    private long running(ClaimGroup group) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE claim_group = ? AND state = 'RUNNING'")
                .param(group.name())
                .query(Long.class)
                .single();
    }

    private void queue() {
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps, queued_at)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'test', 'QUEUED',
                                '{"dataset": "ring8"}'::jsonb, 100, clock_timestamp())
                        """).param(UUID.randomUUID()).update();
    }
}
