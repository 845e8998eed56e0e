package dev.gantry.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.testsupport.Machine;
import dev.gantry.testsupport.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Curves at the scale of real runs, each figure beside a reference measured in the same run on the
 * same PostgreSQL (the embedded server of the tests, databases of their own):
 *
 * <ul>
 *   <li>costs ({@code parts} "costs"), points/s: on the schema as it was before V16 (a database
 *       migrated to V15), plain {@code COPY} into {@code metric_points} with each of its statement
 *       triggers off in turn, and into scratch tables without triggers: the wide primary key, no
 *       key, a narrow (series, step) key; the writer's {@code INSERT … unnest … ON CONFLICT} into
 *       the scratch tables. What each piece of the old write path cost;
 *   <li>ingestion, points/s: {@link MetricWriter} (rollups, stream events and all) against the
 *       writer before V16 on the V15 database, plain {@code COPY} into that database's {@code
 *       metric_points} with and without its triggers, and plain {@code COPY} into {@code
 *       series_points}, rounds interleaved;
 *   <li>query, ms: one series of {@code points} points down to {@code maxPoints} through
 *       {@link MetricQuery#curves}, p50 and p95, against the query as it was before V14 (two
 *       window-function sorts) and a bare {@code GROUP BY width_bucket} over the same rows.
 * </ul>
 *
 * Run by {@code bench/curves.sh}; figures in {@code bench/curves.md}. Usage: {@code CurveBenchmark
 * [points=1000000] [maxPoints=1000] [runs=40] [referenceRuns=7] [parts=costs,ingestion,query]
 * [rounds=5]}.
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
        String parts = args.length > 4 ? args[4] : "costs,ingestion,query";
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
            if (parts.contains("costs") || parts.contains("ingestion")) {
                try (HikariDataSource before = new HikariDataSource()) {
                    // The schema as it was before V16 (wide points, three statement triggers),
                    // in a database of its own on the same server.
                    String url = TestDatabase.newDatabaseUrl();
                    Flyway.configure()
                            .dataSource(url, TestDatabase.username(), TestDatabase.password())
                            .target("15")
                            .load()
                            .migrate();
                    before.setJdbcUrl(url);
                    before.setUsername(TestDatabase.username());
                    before.setPassword(TestDatabase.password());
                    before.setMaximumPoolSize(2);
                    if (parts.contains("costs")) {
                        costs(before, rounds);
                    }
                    if (parts.contains("ingestion")) {
                        ingestion(pool, before, rounds);
                    }
                }
            }
            if (parts.contains("ablation")) {
                ablation(pool, rounds);
            }
            if (parts.contains("explain")) {
                explain(pool);
            }
            if (parts.contains("query")) {
                query(pool, points, maxPoints, runs, referenceRuns);
            }
        }
        System.exit(0);
    }

    // ---- what each part of the writer's replay statement (INSERT_POINTS) costs

    /**
     * The writer's replay statement ({@link MetricWriter#INSERT_POINTS}) with parts cut out
     * (rollups, events, both), the fence and commit as the writer does them, beside the whole
     * statement, {@link MetricWriter} itself, and plain COPY into {@code series_points},
     * interleaved per round.
     */
    private static void ablation(DataSource pool, int rounds) throws Exception {
        JdbcClient jdbc = JdbcClient.create(pool);
        MetricWriter writer = new MetricWriter(pool);
        String whole = MetricWriter.INSERT_POINTS;
        String noRollups = cut(whole, "rollups", "events", "SELECT 1");
        String noEvents = cut(whole, "events", "sample", "SELECT 1 WHERE false");
        String pointsOnly = cut(noRollups, "events", "sample", "SELECT 1 WHERE false");
        List<List<MetricPoint>> batches = batches(100, 0);
        List<String> columns = List.of(
                "MetricWriter",
                "its statement",
                "without rollups",
                "without events",
                "points only (insert, RETURNING, sample)",
                "COPY into series_points");
        for (int round = 0; round <= rounds; round++) {
            double[] rate = new double[columns.size()];
            rate[0] = writeAll("MetricWriter", batches, job(jdbc), pool, writer);
            rate[1] = statementAll(pool, jdbc, whole, batches);
            rate[2] = statementAll(pool, jdbc, noRollups, batches);
            rate[3] = statementAll(pool, jdbc, noEvents, batches);
            rate[4] = statementAll(pool, jdbc, pointsOnly, batches);
            rate[5] = copyAll(pool, batches, job(jdbc), "series_points", false, new int[] {seriesBase(jdbc)});
            if (round == 0) {
                System.out.printf("%nThe writer's statement in parts: 100000 points per column and round, 100 batches"
                        + " of 1000, fence and commit included; points/s, then / COPY into series_points%n%n");
                printHeader(columns);
                continue;
            }
            printRow(round, rate, c -> c < rate.length - 1, rate.length - 1);
        }
        System.out.printf("%nload average after: %s%n", Machine.loadAverage());
    }

    /** The statement with the CTE {@code name} (up to the CTE {@code next}) replaced by {@code with}. */
    private static String cut(String sql, String name, String next, String with) {
        int from = sql.indexOf("\n" + name + " AS (");
        int to = sql.indexOf("\n" + next + " AS (");
        if (from < 0 || to < 0) {
            throw new IllegalStateException("no CTE " + name + " before " + next);
        }
        return sql.substring(0, from) + "\n" + name + " AS (" + with + ")," + sql.substring(to);
    }

    /** Points/s of a variant of the writer's statement, each batch fenced and committed. */
    private static double statementAll(DataSource pool, JdbcClient jdbc, String sql, List<List<MetricPoint>> batches)
            throws Exception {
        UUID job = job(jdbc);
        java.util.Map<String, Long> series = new java.util.LinkedHashMap<>();
        for (String name : NAMES) {
            series.put(
                    name,
                    jdbc.sql("INSERT INTO metric_series (job_id, name) VALUES (?, ?) RETURNING id")
                            .params(job, name)
                            .query(Long.class)
                            .single());
        }
        long[] seriesIds = series.values().stream().mapToLong(Long::longValue).toArray();
        String[] seriesNames = series.keySet().toArray(String[]::new);
        long start = System.nanoTime();
        long n = 0;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            for (List<MetricPoint> batch : batches) {
                int size = batch.size();
                Long[] ids = new Long[size];
                Long[] steps = new Long[size];
                Double[] values = new Double[size];
                for (int i = 0; i < size; i++) {
                    ids[i] = series.get(batch.get(i).name());
                    steps[i] = batch.get(i).step();
                    values[i] = batch.get(i).value();
                }
                try (PreparedStatement lock = c.prepareStatement(FENCE)) {
                    lock.setObject(1, job);
                    lock.executeQuery().close();
                }
                try (PreparedStatement insert = c.prepareStatement(sql)) {
                    insert.setArray(1, c.createArrayOf("int8", ids));
                    insert.setArray(2, c.createArrayOf("int8", steps));
                    insert.setArray(3, c.createArrayOf("float8", values));
                    insert.setArray(4, c.createArrayOf("text", new String[size]));
                    insert.setObject(5, seriesIds);
                    insert.setArray(6, c.createArrayOf("text", seriesNames));
                    insert.setObject(7, job);
                    insert.setObject(8, UUID.fromString("00000000-0000-0000-0000-000000000001"));
                    insert.executeQuery().close();
                }
                c.commit();
                n += size;
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    // ---- where the writer's replay statement spends its time

    /** EXPLAIN ANALYZE of the writer's replay statement on a batch of 1000, after 20 batches of warm-up. */
    private static void explain(DataSource pool) throws Exception {
        JdbcClient jdbc = JdbcClient.create(pool);
        MetricWriter writer = new MetricWriter(pool);
        UUID job = job(jdbc);
        List<List<MetricPoint>> batches = batches(21, 0);
        for (List<MetricPoint> batch : batches.subList(0, 20)) {
            writer.write(job, 1, batch);
        }
        List<MetricPoint> batch = batches.get(20);
        int n = batch.size();
        long[] ids = new long[n];
        long[] steps = new long[n];
        double[] values = new double[n];
        java.util.Map<String, Long> series = new java.util.LinkedHashMap<>();
        jdbc.sql("SELECT name, id FROM metric_series WHERE job_id = ?")
                .param(job)
                .query((rs, row) -> series.put(rs.getString(1), rs.getLong(2)))
                .list();
        for (int i = 0; i < n; i++) {
            ids[i] = series.get(batch.get(i).name());
            steps[i] = batch.get(i).step();
            values[i] = batch.get(i).value();
        }
        for (String line : jdbc.sql("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + MetricWriter.INSERT_POINTS)
                .params(
                        ids,
                        steps,
                        values,
                        new String[n],
                        series.values().stream().mapToLong(Long::longValue).toArray(),
                        series.keySet().toArray(String[]::new),
                        job,
                        UUID.fromString("00000000-0000-0000-0000-000000000001"))
                .query(String.class)
                .list()) {
            System.out.println(line);
        }
    }

    // ---- what each piece of the write cost before V16

    /**
     * Plain COPY of the same 100 batches of 1000 points, one transaction each, into {@code
     * metric_points} as it was before V16 with each statement trigger off in turn, and into
     * scratch tables of the same points without any trigger or foreign key: with the primary key,
     * with a "C" collation name, without a key, and narrow (an integer series id instead of job
     * and name). Then the writer's own statement ({@code INSERT … unnest … ON CONFLICT DO
     * NOTHING}) into the scratch tables. Every column is also a ratio to COPY into {@code
     * metric_points} with all its triggers, measured in the same round.
     */
    private static void costs(DataSource pool, int rounds) throws Exception {
        JdbcClient jdbc = JdbcClient.create(pool);
        System.out.printf(
                "%nPostgreSQL %s, lc_collate %s%n",
                jdbc.sql("SHOW server_version").query(String.class).single(),
                jdbc.sql("SHOW lc_collate").query(String.class).single());
        for (String ddl : List.of(
                "CREATE TABLE bench_wide (job_id uuid NOT NULL, name text NOT NULL, step bigint NOT NULL,"
                        + " value float8 NOT NULL, protocol text, PRIMARY KEY (job_id, name, step))",
                "CREATE TABLE bench_wide_c (job_id uuid NOT NULL, name text COLLATE \"C\" NOT NULL,"
                        + " step bigint NOT NULL, value float8 NOT NULL, protocol text, PRIMARY KEY (job_id, name, step))",
                "CREATE TABLE bench_wide_heap (job_id uuid NOT NULL, name text NOT NULL, step bigint NOT NULL,"
                        + " value float8 NOT NULL, protocol text)",
                "CREATE TABLE bench_narrow (series integer NOT NULL, step bigint NOT NULL, value float8 NOT NULL,"
                        + " protocol text, PRIMARY KEY (series, step))",
                "CREATE TABLE bench_narrow_heap (series integer NOT NULL, step bigint NOT NULL,"
                        + " value float8 NOT NULL, protocol text)")) {
            jdbc.sql(ddl).update();
        }
        List<List<MetricPoint>> batches = batches(100, 0);
        List<String> columns = List.of(
                "COPY metric_points (all triggers)",
                "stream trigger off",
                "rollup trigger off",
                "sample trigger off",
                "3 statement triggers off",
                "scratch (job, name, step) PK",
                "scratch, name COLLATE C",
                "scratch, no PK",
                "narrow (series, step) PK",
                "narrow, no PK",
                "INSERT unnest ON CONFLICT, scratch PK",
                "INSERT unnest ON CONFLICT, narrow PK");
        int[] series = {0};
        for (int round = 0; round <= rounds; round++) {
            double[] rate = new double[columns.size()];
            rate[0] = copyAll(pool, batches, job(jdbc), "metric_points", false, series);
            for (int t = 0; t < TRIGGERS_BEFORE_V16.length; t++) {
                rate[1 + t] = withTriggers(
                        jdbc,
                        List.of(TRIGGERS_BEFORE_V16[t]),
                        () -> copyAll(pool, batches, job(jdbc), "metric_points", false, series));
            }
            rate[4] = withTriggers(
                    jdbc,
                    List.of(TRIGGERS_BEFORE_V16),
                    () -> copyAll(pool, batches, job(jdbc), "metric_points", false, series));
            rate[5] = copyAll(pool, batches, job(jdbc), "bench_wide", false, series);
            rate[6] = copyAll(pool, batches, job(jdbc), "bench_wide_c", false, series);
            rate[7] = copyAll(pool, batches, job(jdbc), "bench_wide_heap", false, series);
            rate[8] = copyAll(pool, batches, job(jdbc), "bench_narrow", false, series);
            rate[9] = copyAll(pool, batches, job(jdbc), "bench_narrow_heap", false, series);
            rate[10] = copyAll(pool, batches, job(jdbc), "bench_wide", true, series);
            rate[11] = copyAll(pool, batches, job(jdbc), "bench_narrow", true, series);
            if (round == 0) {
                // Warm-up, unreported; then the header.
                System.out.printf("%nCosts before V16: 100000 points per column and round, 100 COPYs (or INSERTs) of"
                        + " 1000, one transaction each; points/s, then / COPY metric_points%n%n");
                printHeader(columns);
                continue;
            }
            printRow(round, rate, c -> c > 0, 0);
        }
        System.out.printf("%nload average after: %s%n", Machine.loadAverage());
    }

    /** Points/s of COPY (or the writer's INSERT when {@code insert}) of every batch into {@code table}. */
    private static double copyAll(
            DataSource pool, List<List<MetricPoint>> batches, UUID job, String table, boolean insert, int[] series)
            throws Exception {
        boolean narrow = table.startsWith("bench_narrow") || table.equals("series_points");
        String seriesColumn = table.equals("series_points") ? "series_id" : "series";
        int firstSeries = series[0];
        series[0] += NAMES.length;
        long start = System.nanoTime();
        long n = 0;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            for (List<MetricPoint> batch : batches) {
                if (insert) {
                    insertUnnest(c, table, narrow, job, firstSeries, batch);
                } else {
                    StringBuilder rows = new StringBuilder(batch.size() * 64);
                    for (MetricPoint p : batch) {
                        if (narrow) {
                            rows.append(firstSeries + seriesOf(p.name()));
                        } else {
                            rows.append(job).append('\t').append(p.name());
                        }
                        rows.append('\t')
                                .append(p.step())
                                .append('\t')
                                .append(p.value())
                                .append('\n');
                    }
                    String columns = narrow ? "(" + seriesColumn + ", step, value)" : "(job_id, name, step, value)";
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn("COPY " + table + " " + columns + " FROM STDIN", new StringReader(rows.toString()));
                }
                c.commit();
                n += batch.size();
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static void insertUnnest(
            Connection c, String table, boolean narrow, UUID job, int firstSeries, List<MetricPoint> batch)
            throws Exception {
        int n = batch.size();
        Object[] keys = new Object[n];
        Long[] steps = new Long[n];
        Double[] values = new Double[n];
        for (int i = 0; i < n; i++) {
            MetricPoint p = batch.get(i);
            keys[i] = narrow ? (Object) (firstSeries + seriesOf(p.name())) : p.name();
            steps[i] = p.step();
            values[i] = p.value();
        }
        String sql = narrow
                ? "INSERT INTO " + table
                        + " (series, step, value) SELECT * FROM unnest(?::int[], ?::bigint[], ?::float8[])"
                        + " ON CONFLICT (series, step) DO NOTHING"
                : "INSERT INTO " + table
                        + " (job_id, name, step, value) SELECT ?, * FROM unnest(?::text[], ?::bigint[],"
                        + " ?::float8[]) ON CONFLICT (job_id, name, step) DO NOTHING";
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            int i = 1;
            if (!narrow) {
                insert.setObject(i++, job);
            }
            insert.setArray(i++, c.createArrayOf(narrow ? "int4" : "text", keys));
            insert.setArray(i++, c.createArrayOf("int8", steps));
            insert.setArray(i, c.createArrayOf("float8", values));
            insert.executeUpdate();
        }
    }

    private static int seriesOf(String name) {
        return List.of(NAMES).indexOf(name);
    }

    private static <T> T withTriggers(JdbcClient jdbc, List<String> off, ThrowingSupplier<T> body) throws Exception {
        for (String trigger : off) {
            jdbc.sql("ALTER TABLE metric_points DISABLE TRIGGER " + trigger).update();
        }
        try {
            return body.get();
        } finally {
            for (String trigger : off) {
                jdbc.sql("ALTER TABLE metric_points ENABLE TRIGGER " + trigger).update();
            }
        }
    }

    // ---- ingestion

    private static void ingestion(DataSource pool, DataSource before, int rounds) throws Exception {
        MetricWriter writer = new MetricWriter(pool);
        JdbcClient jdbc = JdbcClient.create(pool);
        JdbcClient old = JdbcClient.create(before);
        List<List<MetricPoint>> batches = batches(100, 0);
        List<List<MetricPoint>> large = batches(10, 0, 1000);
        // What a worker flushing once a second (gantry.worker.metrics-flush-interval) sends at 100k points/s.
        List<List<MetricPoint>> second = batches(1, 0, 10_000);
        // The same points with no eval/* name: one stream event per batch instead of 1 + 100.
        List<List<MetricPoint>> noEval = batches.stream()
                .map(b -> b.stream()
                        .map(p -> p.name().startsWith("eval/")
                                ? new MetricPoint("score/" + p.name().substring(5), p.step(), p.value())
                                : p)
                        .toList())
                .toList();
        List<String> columns = List.of(
                "MetricWriter",
                "MetricWriter, batches of 10000",
                "MetricWriter, one batch of 100000",
                "MetricWriter, no eval/* names",
                "writer before V16",
                "COPY into metric_points before V16",
                "COPY, same table, its 3 triggers off",
                "COPY into series_points (V16)");
        // A worker writes for hours: the writer's own Java (rollups, event JSON) runs compiled by
        // then, which a round of 100 batches alone does not reach.
        for (int i = 0; i < 20; i++) {
            writeAll("MetricWriter", batches, job(jdbc), pool, writer);
        }
        for (int round = 0; round <= rounds; round++) {
            // Round 0 is the warm-up (class loading, JIT, plan caches), unreported.
            double[] rate = new double[columns.size()];
            rate[0] = writeAll("MetricWriter", batches, job(jdbc), pool, writer);
            rate[1] = writeAll("MetricWriter", large, job(jdbc), pool, writer);
            rate[2] = writeAll("MetricWriter", second, job(jdbc), pool, writer);
            rate[3] = writeAll("MetricWriter", noEval, job(jdbc), pool, writer);
            rate[4] = writeAll("before", batches, job(old), before, writer);
            rate[5] = writeAll("copy", batches, job(old), before, writer);
            rate[6] = withTriggers(
                    old, List.of(TRIGGERS_BEFORE_V16), () -> writeAll("copy", batches, job(old), before, writer));
            rate[7] = copyAll(pool, batches, job(jdbc), "series_points", false, new int[] {seriesBase(jdbc)});
            if (round == 0) {
                System.out.printf("%nIngestion: 100000 points per column and round, 100 batches of 1000 (100 steps x 10"
                        + " names; or 10 of 10000; or 1 of 100000; or no eval/* name), one writer, one transaction per batch; points/s, then / the"
                        + " writer before V16, / COPY into metric_points before V16, / COPY without its triggers%n%n");
                printHeader(columns);
                continue;
            }
            printRow(round, rate, c -> c < 4, 4, 5, 6);
        }
        System.out.printf("%nload average after: %s%n", Machine.loadAverage());
    }

    private static void printHeader(List<String> columns) {
        System.out.println("| round | " + String.join(" | ", columns) + " |");
        System.out.println("|" + " --- |".repeat(columns.size() + 1));
    }

    /** One round's points/s per column, each {@code withRatios} column followed by its ratios to the references. */
    private static void printRow(int round, double[] rate, IntPredicate withRatios, int... references) {
        StringBuilder row = new StringBuilder("| " + round + " | ");
        for (int c = 0; c < rate.length; c++) {
            row.append(String.format("%.0f", rate[c]));
            if (withRatios.test(c)) {
                int column = c;
                row.append(Arrays.stream(references)
                        .mapToObj(r -> String.format("%.2f", rate[column] / rate[r]))
                        .collect(Collectors.joining(", ", " (", ")")));
            }
            row.append(" | ");
        }
        System.out.println(row.toString().strip());
    }

    private static final String[] TRIGGERS_BEFORE_V16 = {
        "metric_points_stream", "metric_points_rollup", "metric_points_sample"
    };

    // The writer's statement before V16; its fence was the same.
    private static final String INSERT_BEFORE_V16 = """
            INSERT INTO metric_points (job_id, name, step, value, protocol)
            SELECT ?, p.name, p.step, p.value, p.protocol
            FROM unnest(?::text[], ?::bigint[], ?::float8[], ?::text[]) AS p(name, step, value, protocol)
            ON CONFLICT (job_id, name, step) DO NOTHING
            """;

    /** The writer before V16, on the database migrated to V15: fence, then one INSERT. */
    private static boolean writeBefore(DataSource before, UUID job, List<MetricPoint> points) throws Exception {
        int n = points.size();
        String[] names = new String[n];
        Long[] steps = new Long[n];
        Double[] values = new Double[n];
        for (int i = 0; i < n; i++) {
            names[i] = points.get(i).name();
            steps[i] = points.get(i).step();
            values[i] = points.get(i).value();
        }
        try (Connection c = before.getConnection()) {
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
            try (PreparedStatement insert = c.prepareStatement(INSERT_BEFORE_V16)) {
                insert.setObject(1, job);
                insert.setArray(2, c.createArrayOf("text", names));
                insert.setArray(3, c.createArrayOf("int8", steps));
                insert.setArray(4, c.createArrayOf("float8", values));
                insert.setArray(5, c.createArrayOf("text", new String[n]));
                insert.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    /** Ids for COPY straight into series_points, above every series the writer created. */
    private static int seriesBase(JdbcClient jdbc) {
        return jdbc.sql("SELECT coalesce(max(id), 0)::int + 1000000 FROM metric_series")
                .query(Integer.class)
                .single();
    }

    /** {@code count} batches of 100 steps × 10 names, as a worker flushing every 100 steps sends. */
    private static List<List<MetricPoint>> batches(int count, long firstStep) {
        return batches(count, firstStep, 100);
    }

    /** {@code count} batches of {@code steps} steps × 10 names. */
    private static List<List<MetricPoint>> batches(int count, long firstStep, int steps) {
        List<List<MetricPoint>> batches = new ArrayList<>();
        long step = firstStep;
        for (int b = 0; b < count; b++) {
            List<MetricPoint> batch = new ArrayList<>(steps * NAMES.length);
            for (int s = 0; s < steps; s++, step++) {
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
                case "before" -> writeBefore(pool, job, batch);
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
