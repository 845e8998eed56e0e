package dev.gantry.scheduler;

import static dev.gantry.testsupport.Machine.cpu;
import static dev.gantry.testsupport.Machine.loadAverage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.quota.QuotaProperties;
import dev.gantry.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs claimed per second by N concurrent claimers against one PostgreSQL (the embedded test
 * server), each claim the production statement and its CLAIMED event in one transaction, each
 * claimer on a connection of its own, until the queue is empty. Checks that no job was claimed
 * twice, both from the ids the claimers got and from the events the database holds.
 *
 * <p>The reference, measured in the same round on the same connections and threads just before
 * and just after the claims: {@code SELECT 1} round trips per second, so the claim rate reads as a ratio that
 * another machine can reproduce. Each round also runs the claim as it was before fair share
 * ({@link PriorityOrderClaimer}, priority then age over one queue) on a queue of its own, so the
 * two statements are compared on the same machine, minutes apart. The jobs are spread over
 * {@code projects} projects. With {@code ended}, each claimer ends its job before its next claim,
 * as a worker does, so a project's running jobs stay as many as its claimers; with {@code held},
 * every claimed job stays RUNNING (and the projects' running quota is lifted so that all can be).
 * Run by {@code bench/claims.sh}; figures in {@code bench/claims.md}. Usage:
 * {@code ClaimThroughputBenchmark [jobs=20000] [rounds=3] [claimers=1,4,16] [projects=1] [held|ended]}.
 */
public final class ClaimThroughputBenchmark {

    private static final SchedulerProperties LEASES =
            new SchedulerProperties(Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2));

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] claimerCounts = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4, 16};
        int[] projectCounts = args.length > 3
                ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1};
        boolean ended = args.length > 4 && args[4].equals("ended");
        // The table is the output: the embedded server's and Flyway's INFO lines would bury it.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.out.printf("%d queued jobs per round, %d rounds, %s%n", jobs, rounds, cpu());
        // One unreported round first: the JIT compiles the claim path, the server warms its caches.
        System.out.println(ended ? "Each job ends before its claimer's next claim." : "Claimed jobs stay RUNNING.");
        round(Math.min(jobs, 2000), 4, 0, 1, true, ended);
        round(Math.min(jobs, 2000), 4, 0, 1, false, ended);
        System.out.println("| claim | projects | claimers | round | SELECT 1 per s | jobs claimed per s"
                + " | claims per SELECT 1 | claim p50 ms | claim p99 ms | double claims | load average |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int projects : projectCounts) {
            for (int claimers : claimerCounts) {
                for (int round = 1; round <= rounds; round++) {
                    System.out.println(round(jobs, claimers, round, projects, false, ended));
                    System.out.println(round(jobs, claimers, round, projects, true, ended));
                }
            }
        }
        System.exit(0);
    }

    /**
     * @param projects the jobs go round-robin to this many projects (the default one first)
     * @param fairShare the production claim; false: the claim as it was before fair share
     * @param ended each claimed job ends before its claimer's next claim
     */
    private static String round(int jobs, int claimers, int round, int projects, boolean fairShare, boolean ended)
            throws Exception {
        DataSource migrated = TestDatabase.migrated();
        JdbcClient setup = JdbcClient.create(migrated);
        setup.sql("""
                        INSERT INTO projects (id, name)
                        SELECT gen_random_uuid(), 'bench-' || i FROM generate_series(2, :n) AS i
                        """).param("n", projects).update();
        setup.sql("""
                        WITH numbered AS (SELECT id, row_number() OVER (ORDER BY name = 'default' DESC, name) - 1 AS k
                                            FROM projects)
                        INSERT INTO jobs (id, project_id, name, state, priority, spec, total_steps, queued_at)
                        SELECT gen_random_uuid(), numbered.id, 'bench', 'QUEUED', (i % 3), '{"dataset": "ring8"}'::jsonb, 100,
                               clock_timestamp()
                          FROM generate_series(1, :n) AS i JOIN numbered ON numbered.k = i % :projects
                        """).param("n", jobs).param("projects", projects).update();
        setup.sql("VACUUM ANALYZE jobs").update();
        PGSimpleDataSource database = (PGSimpleDataSource) migrated;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.getUrl());
        config.setUsername(database.getUser());
        config.setPassword(database.getPassword());
        config.setMaximumPoolSize(claimers);
        config.setMinimumIdle(claimers);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcClient claims = JdbcClient.create(pool);
            JobClaimer production = new JobClaimer(
                    claims,
                    JsonMapper.builder().build(),
                    LEASES,
                    new QuotaProperties(
                            jobs, ended ? QuotaProperties.defaults().maxRunningJobs() : jobs, DataSize.ofTerabytes(1)));
            PriorityOrderClaimer priorityOrder = new PriorityOrderClaimer(claims);
            TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(pool));
            double before = selectOnesPerSecond(JdbcClient.create(pool), claimers, jobs);
            ConcurrentHashMap<UUID, String> claimedBy = new ConcurrentHashMap<>();
            List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger doubles = new AtomicInteger();
            double seconds = together(claimers, c -> {
                String worker = "bench-" + c;
                List<Long> mine = new ArrayList<>();
                while (true) {
                    long t0 = System.nanoTime();
                    Optional<UUID> job = tx.execute(s -> fairShare
                            ? production.claim(worker, false).map(ClaimedJob::id)
                            : priorityOrder.claim(worker));
                    if (job.isEmpty()) {
                        break;
                    }
                    mine.add(System.nanoTime() - t0);
                    if (claimedBy.putIfAbsent(job.get(), worker) != null) {
                        doubles.incrementAndGet();
                    }
                    if (ended) {
                        claims.sql("UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), worker_id = NULL,"
                                        + " lease_expires_at = NULL WHERE id = ?")
                                .param(job.get())
                                .update();
                    }
                }
                nanos.addAll(mine);
            });
            // Before and after the claims, averaged: a co-tenant's load drifts within a round.
            double selectOnes = (before + selectOnesPerSecond(JdbcClient.create(pool), claimers, jobs)) / 2;
            long events = setup.sql("SELECT count(*) FROM job_events WHERE type = 'CLAIMED'")
                    .query(Long.class)
                    .single();
            long twice = setup.sql("""
                            SELECT count(*) FROM (SELECT job_id FROM job_events WHERE type = 'CLAIMED'
                                                   GROUP BY job_id HAVING count(*) > 1) t""").query(Long.class).single();
            if (claimedBy.size() != jobs || events != jobs || twice != 0 || doubles.get() != 0) {
                throw new IllegalStateException("claimed " + claimedBy.size() + " of " + jobs + ", " + events
                        + " CLAIMED events, " + twice + " jobs claimed twice in the database, " + doubles.get()
                        + " seen twice by the claimers");
            }
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return "| %s | %d | %d | %d | %.0f | %.0f | %.3f | %.2f | %.2f | 0 | %s |"
                    .formatted(
                            fairShare ? "fair share" : "before (priority, age)",
                            projects,
                            claimers,
                            round,
                            selectOnes,
                            jobs / seconds,
                            jobs / seconds / selectOnes,
                            sorted[sorted.length / 2] / 1e6,
                            sorted[(int) (sorted.length * 0.99)] / 1e6,
                            loadAverage());
        }
    }

    /**
     * The claim before fair share, kept as the benchmark's reference: one queue by priority then
     * age, its CLAIMED event, in the caller's transaction.
     */
    private static final class PriorityOrderClaimer {

        private static final String CLAIM = """
                WITH next AS (
                    SELECT id, updated_at FROM jobs
                     WHERE state = 'QUEUED' AND NOT requires_gpu
                     ORDER BY priority DESC, queued_at, id
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED)
                UPDATE jobs j
                   SET state = 'RUNNING', worker_id = :worker, lease_expires_at = now() + interval '30 seconds',
                       started_at = coalesce(started_at, now()), updated_at = now()
                  FROM next
                 WHERE j.id = next.id
                RETURNING j.id, j.attempt, greatest(0, extract(epoch FROM now() - next.updated_at)) AS waited
                """;

        private static final String CLAIMED_EVENT = """
                INSERT INTO job_events (job_id, attempt, type, detail)
                VALUES (:id, :attempt, 'CLAIMED',
                        jsonb_build_object('worker', :worker::text, 'device', 'cpu', 'waitedSeconds', :waited::float8))
                """;

        private final JdbcClient jdbc;

        PriorityOrderClaimer(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        Optional<UUID> claim(String worker) {
            record Row(UUID id, int attempt, double waited) {}
            Optional<Row> row = jdbc.sql(CLAIM)
                    .param("worker", worker)
                    .query((rs, n) ->
                            new Row(rs.getObject("id", UUID.class), rs.getInt("attempt"), rs.getDouble("waited")))
                    .optional();
            row.ifPresent(r -> jdbc.sql(CLAIMED_EVENT)
                    .param("id", r.id())
                    .param("attempt", r.attempt())
                    .param("worker", worker)
                    .param("waited", r.waited())
                    .update());
            return row.map(Row::id);
        }
    }

    /** {@code SELECT 1} round trips per second, {@code total} of them shared by {@code threads} threads. */
    private static double selectOnesPerSecond(JdbcClient jdbc, int threads, int total) throws Exception {
        AtomicInteger left = new AtomicInteger(total);
        return total
                / together(threads, t -> {
                    while (left.getAndDecrement() > 0) {
                        jdbc.sql("SELECT 1").query(Integer.class).single();
                    }
                });
    }

    private interface Body {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads released at once; seconds until the last ends. */
    private static double together(int threads, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : running) {
                f.get(10, TimeUnit.MINUTES);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
        }
    }
}
