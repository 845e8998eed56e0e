package dev.gantry.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.testsupport.Machine;
import dev.gantry.testsupport.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Curves at the scale of real runs, each figure beside a reference measured in the same run on the
 * same PostgreSQL (the embedded server of the tests, a database of its own):
 *
 * <ul>
 *   <li>ingestion, points/s: {@link MetricWriter} (rollups included) against the writer as it was
 *       before V14 (its statements are unchanged: {@link MetricWriter} on the table as it was, with a
 *       foreign key to jobs and no rollup trigger), against plain {@code COPY} of the same
 *       batches into the same table (without the rollup trigger), beside itself without the
 *       rollup trigger and the other candidate write path (COPY into a temporary table, then one
 *       {@code INSERT … SELECT … ON CONFLICT}), rounds interleaved;
 *   <li>query, ms: one series of {@code points} points down to {@code maxPoints} through
 *       {@link MetricQuery#curves}, p50 and p95, against the query as it was before V14 (two
 *       window-function sorts) and a bare {@code GROUP BY width_bucket} over the same rows.
 * </ul>
 *
 * Run by {@code bench/curves.sh}; figures in {@code bench/curves.md}. Usage: {@code CurveBenchmark
 * [points=1000000] [maxPoints=1000] [runs=40] [referenceRuns=7] [parts=ingestion,query] [rounds=5]}.
 */
public final class CurveBenchmark {

    private static final String FENCE = "SELECT attempt FROM jobs WHERE id = ? FOR SHARE";

    // The landed query (MetricQuery before V14), with its protocol join.
    private static final String LANDED_QUERY = """
            WITH points AS (
                SELECT name, step, value, protocol
                FROM metric_points
                WHERE job_id = :jobId
                  AND (cardinality(:names::text[]) = 0 OR name = ANY (:names::text[]))
                  AND step BETWEEN :fromStep AND :toStep
            ),
            extent AS (
                SELECT name, count(*) AS n, min(step) AS first_step, max(step) AS last_step
                FROM points
                GROUP BY name
            ),
            bucketed AS (
                SELECT p.name, p.step, p.value, p.protocol, e.n,
                       width_bucket(p.step::numeric, e.first_step::numeric, e.last_step::numeric + 1, :buckets)
                           AS bucket
                FROM points p
                JOIN extent e USING (name)
            ),
            ranked AS (
                SELECT name, step, value, protocol, n,
                       row_number() OVER (PARTITION BY name, bucket ORDER BY value ASC, step ASC) AS lowest,
                       row_number() OVER (PARTITION BY name, bucket ORDER BY value DESC, step ASC) AS highest
                FROM bucketed
            )
            SELECT r.name, r.step, r.value, e.protocol::text AS protocol
            FROM ranked r
            LEFT JOIN eval_protocols e ON e.id = r.protocol
            WHERE n <= :maxPoints OR lowest = 1 OR highest = 1
            ORDER BY name, step
            """;

    private static final String WIDTH_BUCKET = """
            SELECT width_bucket(step::numeric, 0, :last + 1, :buckets) AS bucket, min(value), max(value)
            FROM metric_points
            WHERE job_id = :jobId AND name = 'loss/d'
            GROUP BY bucket
            """;

    private static final String[] NAMES = MetricWriteThroughputTest.NAMES;

    public static void main(String[] args) throws Exception {
        int points = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int maxPoints = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int referenceRuns = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        String parts = args.length > 4 ? args[4] : "ingestion,query";
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.out.printf("%s, Java %s, load average %s%n", Machine.cpu(), Runtime.version(), Machine.loadAverage());
        DataSource migrated = TestDatabase.migrated();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(((PGSimpleDataSource) migrated).getUrl());
            pool.setUsername(TestDatabase.username());
            pool.setPassword(TestDatabase.password());
            pool.setMaximumPoolSize(2);
            if (parts.contains("ingestion")) {
                ingestion(pool, rounds);
            }
            if (parts.contains("query")) {
                query(pool, points, maxPoints, runs, referenceRuns);
            }
        }
        System.exit(0);
    }

    // ---- ingestion

    private static void ingestion(DataSource pool, int rounds) throws Exception {
        MetricWriter writer = new MetricWriter(pool);
        JdbcClient jdbc = JdbcClient.create(pool);
        List<List<MetricPoint>> batches = batches(100, 0);
        // Warm-up, unreported: class loading, JIT, plan caches.
        for (int i = 0; i < 2; i++) {
            writeAll("MetricWriter", batches(20, 0), job(jdbc), pool, writer);
            landedSchema(jdbc, () -> writeAll("MetricWriter", batches(20, 0), job(jdbc), pool, writer));
            withoutRollups(jdbc, () -> writeAll("copy", batches(20, 0), job(jdbc), pool, writer));
            writeAll("staged", batches(20, 0), job(jdbc), pool, writer);
        }
        System.out.printf("%nIngestion: 100000 points per round, 100 batches of 1000 (100 steps x 10 names),"
                + " one writer, one transaction per batch%n%n");
        System.out.println("| round | MetricWriter points/s | MetricWriter, rollup trigger off | COPY staging + INSERT"
                + " | landed writer | COPY per batch | one COPY of all | MetricWriter / landed"
                + " | MetricWriter / COPY per batch | MetricWriter / one COPY |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        List<List<MetricPoint>> whole =
                List.of(batches.stream().flatMap(List::stream).toList());
        for (int round = 1; round <= rounds; round++) {
            double now = writeAll("MetricWriter", batches, job(jdbc), pool, writer);
            double bare = withoutRollups(jdbc, () -> writeAll("MetricWriter", batches, job(jdbc), pool, writer));
            double staged = writeAll("staged", batches, job(jdbc), pool, writer);
            double landed = landedSchema(jdbc, () -> writeAll("MetricWriter", batches, job(jdbc), pool, writer));
            double copy = withoutRollups(jdbc, () -> writeAll("copy", batches, job(jdbc), pool, writer));
            double oneCopy = withoutRollups(jdbc, () -> writeAll("copy", whole, job(jdbc), pool, writer));
            System.out.printf(
                    "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f |%n",
                    round, now, bare, staged, landed, copy, oneCopy, now / landed, now / copy, now / oneCopy);
        }
    }

    /** {@code count} batches of 100 steps × 10 names, as a worker flushing every 100 steps sends. */
    private static List<List<MetricPoint>> batches(int count, long firstStep) {
        List<List<MetricPoint>> batches = new ArrayList<>();
        long step = firstStep;
        for (int b = 0; b < count; b++) {
            List<MetricPoint> batch = new ArrayList<>(1_000);
            for (int s = 0; s < 100; s++, step++) {
                for (String name : NAMES) {
                    batch.add(new MetricPoint(name, step, Math.sin(step * 0.01) + name.length()));
                }
            }
            batches.add(batch);
        }
        return batches;
    }

    /** Points per second for one way of writing the batches into a fresh job. */
    private static double writeAll(
            String how, List<List<MetricPoint>> batches, UUID job, DataSource pool, MetricWriter writer)
            throws Exception {
        long start = System.nanoTime();
        long n = 0;
        for (List<MetricPoint> batch : batches) {
            boolean ok = switch (how) {
                case "MetricWriter" -> writer.write(job, 1, batch);
                case "copy" -> copy(pool, job, batch);
                case "staged" -> stagedWrite(pool, job, batch);
                default -> throw new IllegalArgumentException(how);
            };
            if (!ok) {
                throw new IllegalStateException(how + " refused a batch");
            }
            n += batch.size();
        }
        double perSecond = n / ((System.nanoTime() - start) / 1e9);
        long stored = JdbcClient.create(pool)
                .sql("SELECT count(*) FROM metric_points WHERE job_id = ?")
                .param(job)
                .query(Long.class)
                .single();
        if (stored != n) {
            throw new IllegalStateException(how + " stored " + stored + " of " + n + " points");
        }
        return perSecond;
    }

    /** The other candidate: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT. */
    private static boolean stagedWrite(DataSource pool, UUID job, List<MetricPoint> points) throws Exception {
        StringBuilder rows = new StringBuilder(points.size() * 32);
        for (MetricPoint p : points) {
            rows.append(p.name())
                    .append('\t')
                    .append(p.step())
                    .append('\t')
                    .append(p.value())
                    .append('\n');
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement(FENCE)) {
                lock.setObject(1, job);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        c.rollback();
                        return false;
                    }
                }
            }
            try (var create = c.createStatement()) {
                create.execute("CREATE TEMP TABLE IF NOT EXISTS metric_staging (name text, step bigint, value float8)"
                        + " ON COMMIT DELETE ROWS");
            }
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY metric_staging FROM STDIN", new StringReader(rows.toString()));
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO metric_points (job_id, name, step, value)
                    SELECT ?, name, step, value FROM metric_staging
                    ON CONFLICT (job_id, name, step) DO NOTHING
                    """)) {
                insert.setObject(1, job);
                insert.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    private static boolean copy(DataSource pool, UUID job, List<MetricPoint> points) throws Exception {
        StringBuilder rows = new StringBuilder(points.size() * 64);
        for (MetricPoint p : points) {
            rows.append(job)
                    .append('\t')
                    .append(p.name())
                    .append('\t')
                    .append(p.step())
                    .append('\t')
                    .append(p.value())
                    .append('\n');
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY metric_points (job_id, name, step, value) FROM STDIN",
                            new StringReader(rows.toString()));
            c.commit();
            return true;
        }
    }

    /**
     * The table as it was before V14, for the landed writer: no rollup trigger, and the foreign key
     * to jobs that V14 dropped (NOT VALID: checks each new row, skips the scan of the old ones).
     */
    private static <T> T landedSchema(JdbcClient jdbc, ThrowingSupplier<T> body) throws Exception {
        jdbc.sql("ALTER TABLE metric_points ADD CONSTRAINT landed_job_fkey FOREIGN KEY (job_id)"
                        + " REFERENCES jobs (id) ON DELETE CASCADE NOT VALID")
                .update();
        try {
            return withoutRollups(jdbc, body);
        } finally {
            jdbc.sql("ALTER TABLE metric_points DROP CONSTRAINT landed_job_fkey")
                    .update();
        }
    }

    /** Points alone, without the rollups: MetricWriter's share of its cost, and plain COPY. */
    private static <T> T withoutRollups(JdbcClient jdbc, ThrowingSupplier<T> body) throws Exception {
        jdbc.sql("ALTER TABLE metric_points DISABLE TRIGGER metric_points_rollup")
                .update();
        try {
            return body.get();
        } finally {
            jdbc.sql("ALTER TABLE metric_points ENABLE TRIGGER metric_points_rollup")
                    .update();
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static UUID job(JdbcClient jdbc) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps, attempt)
                        VALUES (?, '00000000-0000-0000-0000-000000000001', 'curve-bench', 'RUNNING', '{}', 10000000, 1)
                        """).params(id).update();
        return id;
    }

    // ---- query

    private static void query(DataSource pool, int points, int maxPoints, int runs, int referenceRuns)
            throws Exception {
        JdbcClient jdbc = JdbcClient.create(pool);
        MetricWriter writer = new MetricWriter(pool);
        MetricQuery query = new MetricQuery(pool);
        UUID job = job(jdbc);
        SplittableRandom random = new SplittableRandom(1);
        long start = System.nanoTime();
        double value = 1;
        for (int at = 0; at < points; at += 10_000) {
            List<MetricPoint> batch = new ArrayList<>(10_000);
            for (int step = at; step < Math.min(points, at + 10_000); step++) {
                value = 0.999 * value + 0.05 * random.nextGaussian();
                batch.add(new MetricPoint("loss/d", step, value));
            }
            writer.write(job, 1, batch);
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        jdbc.sql("VACUUM ANALYZE metric_points").update();
        jdbc.sql("VACUUM ANALYZE metric_rollups").update();
        System.out.printf(
                "%nQuery: one series of %d points (written by MetricWriter in batches of 10000: %.1f s, %.0f points/s),"
                        + " maxPoints %d%n%n",
                points, loadSeconds, points / loadSeconds, maxPoints);

        Supplier<Integer> now = () -> query.curves(job, List.of("loss/d"), null, null, maxPoints)
                .get("loss/d")
                .points()
                .size();
        Supplier<Integer> landed = () -> jdbc.sql(LANDED_QUERY)
                .param("jobId", job)
                .param("names", new String[] {"loss/d"})
                .param("fromStep", Long.MIN_VALUE)
                .param("toStep", Long.MAX_VALUE)
                .param("maxPoints", maxPoints)
                .param("buckets", maxPoints / 2)
                .query()
                .listOfRows()
                .size();
        Supplier<Integer> widthBucket = () -> jdbc.sql(WIDTH_BUCKET)
                .param("jobId", job)
                .param("last", points - 1)
                .param("buckets", maxPoints / 2)
                .query()
                .listOfRows()
                .size();
        for (int i = 0; i < 5; i++) {
            now.get();
        }
        landed.get();
        widthBucket.get();
        List<Double> nowMs = new ArrayList<>();
        List<Double> landedMs = new ArrayList<>();
        List<Double> widthBucketMs = new ArrayList<>();
        int[] sizes = new int[3];
        // Interleaved, so a co-tenant's burst of load falls on all three alike.
        for (int r = 0; r < runs; r++) {
            sizes[0] = time(now, nowMs);
            if (r % Math.max(1, runs / referenceRuns) == 0 && landedMs.size() < referenceRuns) {
                sizes[1] = time(landed, landedMs);
                sizes[2] = time(widthBucket, widthBucketMs);
            }
        }
        System.out.println("| query | runs | points returned | p50 ms | p95 ms | p50 / MetricQuery p50 |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        double base = percentile(nowMs, 50);
        row("MetricQuery.curves (rollups)", nowMs, sizes[0], base);
        row("landed query (window sorts)", landedMs, sizes[1], base);
        row("GROUP BY width_bucket (values only)", widthBucketMs, sizes[2], base);
        System.out.printf("%nload average after: %s%n", Machine.loadAverage());
    }

    private static int time(Supplier<Integer> query, List<Double> ms) {
        long start = System.nanoTime();
        int size = query.get();
        ms.add((System.nanoTime() - start) / 1e6);
        return size;
    }

    private static void row(String what, List<Double> ms, int size, double base) {
        System.out.printf(
                "| %s | %d | %d | %.1f | %.1f | %.1f |%n",
                what, ms.size(), size, percentile(ms, 50), percentile(ms, 95), percentile(ms, 50) / base);
    }

    /** Nearest-rank percentile. */
    private static double percentile(List<Double> values, int p) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private CurveBenchmark() {}
}
