package dev.gantry.scheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs claimed per second by N concurrent claimers against one PostgreSQL (the embedded test
 * server), each claim the production statement and its CLAIMED event in one transaction, each
 * claimer on a connection of its own, until the queue is empty. Checks that no job was claimed
 * twice, both from the ids the claimers got and from the events the database holds.
 * Usage: {@code ClaimThroughputBenchmark [jobs=5000] [rounds=3] [claimers=1,4,16]}.
 */
public final class ClaimThroughputBenchmark {

    private static final SchedulerProperties LEASES =
            new SchedulerProperties(Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2));

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] claimerCounts = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4, 16};
        System.out.printf("%d queued jobs per round, %d rounds, %s%n", jobs, rounds, cpu());
        System.out.println(
                "| claimers | round | jobs claimed per s | claim p50 ms | claim p99 ms | double claims | load average |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (int claimers : claimerCounts) {
            for (int round = 1; round <= rounds; round++) {
                System.out.println(round(jobs, claimers, round));
            }
        }
        System.exit(0);
    }

    private static String round(int jobs, int claimers, int round) throws Exception {
        DataSource migrated = TestDatabase.migrated();
        JdbcClient setup = JdbcClient.create(migrated);
        setup.sql("""
                        INSERT INTO jobs (id, project_id, name, state, priority, spec, total_steps, queued_at)
                        SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'bench', 'QUEUED', (i % 3), '{"dataset": "ring8"}'::jsonb, 100,
                               clock_timestamp()
                          FROM generate_series(1, :n) AS i
                        """).param("n", jobs).update();
        setup.sql("VACUUM ANALYZE jobs").update();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(((org.postgresql.ds.PGSimpleDataSource) migrated).getUrl());
        config.setUsername("postgres");
        config.setMaximumPoolSize(claimers);
        config.setMinimumIdle(claimers);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JobClaimer claimer =
                    new JobClaimer(JdbcClient.create(pool), JsonMapper.builder().build(), LEASES);
            TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(pool));
            ConcurrentHashMap<UUID, String> claimedBy = new ConcurrentHashMap<>();
            List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());
            int[] doubles = new int[1];
            ExecutorService threads = Executors.newFixedThreadPool(claimers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String worker = "bench-" + c;
                running.add(threads.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    while (true) {
                        long t0 = System.nanoTime();
                        Optional<ClaimedJob> job = tx.execute(s -> claimer.claim(worker, false));
                        if (job.isEmpty()) {
                            break;
                        }
                        mine.add(System.nanoTime() - t0);
                        if (claimedBy.putIfAbsent(job.get().id(), worker) != null) {
                            synchronized (doubles) {
                                doubles[0]++;
                            }
                        }
                    }
                    nanos.addAll(mine);
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : running) {
                f.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            threads.shutdown();
            long events = setup.sql("SELECT count(*) FROM job_events WHERE type = 'CLAIMED'")
                    .query(Long.class)
                    .single();
            long twice = setup.sql("""
                            SELECT count(*) FROM (SELECT job_id FROM job_events WHERE type = 'CLAIMED'
                                                   GROUP BY job_id HAVING count(*) > 1) t""").query(Long.class).single();
            if (claimedBy.size() != jobs || events != jobs || twice != 0 || doubles[0] != 0) {
                throw new IllegalStateException("claimed " + claimedBy.size() + " of " + jobs + ", " + events
                        + " CLAIMED events, " + twice + " jobs claimed twice in the database, " + doubles[0]
                        + " seen twice by the claimers");
            }
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return "| %d | %d | %.0f | %.2f | %.2f | 0 | %s |"
                    .formatted(
                            claimers,
                            round,
                            jobs / seconds,
                            sorted[sorted.length / 2] / 1e6,
                            sorted[(int) (sorted.length * 0.99)] / 1e6,
                            loadAverage());
        }
    }

    private static String loadAverage() throws Exception {
        return String.join(
                " ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
    }

    private static String cpu() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 2))
                        .orElse("?")
                + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
