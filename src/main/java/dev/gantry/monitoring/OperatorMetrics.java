package dev.gantry.monitoring;

import dev.gantry.job.JobState;
import dev.gantry.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What an operator watches at {@code /actuator/prometheus}, read from PostgreSQL by the server:
 * workers have no HTTP endpoint, and the database sees every process.
 *
 * <ul>
 *   <li>Gauges (queue depth by priority, jobs by state, each live worker's heartbeat age, current
 *       job and steps/s) are read afresh every {@code gantry.monitoring.refresh-interval}. Every
 *       server replica reports the same values: aggregate them with {@code max}.
 *   <li>Counters (jobs submitted, succeeded, failed by reason, cancelled, recovered; metric points
 *       written) and the claim-wait histogram come from {@code operator_samples}, rows written by
 *       triggers (for metric points, {@code MetricWriter}'s statement) in the transaction of what they
 *       count and deleted by the server that counts them.
 *       Each row is counted by one server, so replicas' counters add up: aggregate with
 *       {@code sum}.
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class OperatorMetrics {

    private static final Logger log = LoggerFactory.getLogger(OperatorMetrics.class);
    private static final int DRAIN_BATCH = 10_000;

    private static final String DRAIN = """
            DELETE FROM operator_samples
             WHERE id IN (SELECT id FROM operator_samples ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
            RETURNING meter, tag, value
            """;

    // A worker is shown while it has been heard from in the last ten minutes or holds a job. A busy
    // worker's last sign of life is its lease renewal; an idle one's is its row in workers.
    private static final String WORKERS = """
            SELECT w.id AS worker, j.id AS job, j.steps_per_second,
                   extract(epoch FROM now() - greatest(w.heartbeat_at,
                                                       j.lease_expires_at - :leaseMillis * interval '1 millisecond')) AS age
              FROM workers w
              LEFT JOIN jobs j ON j.worker_id = w.id AND j.state IN ('RUNNING', 'CANCELLING')
             WHERE w.heartbeat_at > now() - interval '10 minutes' OR j.id IS NOT NULL
            """;

    private final JdbcClient jdbc;
    private final MeterRegistry meters;
    private final long leaseMillis;
    private final MultiGauge queueDepth;
    private final MultiGauge jobsByState;
    private final MultiGauge heartbeatAge;
    private final MultiGauge currentJob;
    private final MultiGauge stepsPerSecond;
    private final Timer claimWait;
    private final Counter pointsWritten;
    private final Counter errors;

    OperatorMetrics(JdbcClient jdbc, MeterRegistry meters, SchedulerProperties scheduling) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.leaseMillis = scheduling.leaseDuration().toMillis();
        this.queueDepth = MultiGauge.builder("gantry.queue.depth")
                .description("Jobs waiting to be claimed, by priority")
                .register(meters);
        this.jobsByState =
                MultiGauge.builder("gantry.jobs").description("Jobs by state").register(meters);
        this.heartbeatAge = MultiGauge.builder("gantry.worker.heartbeat.age")
                .description("Time since the worker was last heard from (lease renewal or registration)")
                .baseUnit("seconds")
                .register(meters);
        this.currentJob = MultiGauge.builder("gantry.worker.job")
                .description("1 for the job each worker is running")
                .register(meters);
        this.stepsPerSecond = MultiGauge.builder("gantry.worker.steps.per.second")
                .description("Training steps per second of the job each worker is running, over its last 10 s")
                .register(meters);
        // Buckets from a fraction of a second (an idle worker woken by NOTIFY) to an hour (a busy queue).
        this.claimWait = Timer.builder("gantry.claim.wait")
                .description("Time from a job becoming QUEUED to a worker claiming it")
                .serviceLevelObjectives(
                        Arrays.stream(new double[] {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600})
                                .mapToObj(s -> Duration.ofMillis((long) (s * 1000)))
                                .toArray(Duration[]::new))
                .register(meters);
        this.pointsWritten = Counter.builder("gantry.metric.points.written")
                .description("Metric points stored (a replayed step is not counted again)")
                .register(meters);
        this.errors = meters.counter("gantry.monitoring.errors");
        Counter.builder("gantry.jobs.submitted").register(meters);
        Counter.builder("gantry.jobs.succeeded").register(meters);
        Counter.builder("gantry.jobs.cancelled").register(meters);
        // Shown as 0 before the first recovery, not as a series that does not exist yet.
        for (String cause : List.of("lease-expired", "worker-exited")) {
            meters.counter("gantry.jobs.recovered", "cause", cause);
        }
    }

    @Scheduled(fixedDelayString = "${gantry.monitoring.refresh-interval:5s}")
    void refresh() {
        try {
            drainSamples();
            refreshGauges();
        } catch (RuntimeException e) {
            // Metrics must outlive a database restart: log, count, try again next round.
            errors.increment();
            log.warn("Refreshing operator metrics failed: {}", e.getMessage());
        }
    }

    private record Sample(String meter, String tag, double value) {}

    void drainSamples() {
        List<Sample> batch;
        do {
            batch = jdbc.sql(DRAIN)
                    .param("limit", DRAIN_BATCH)
                    .query((rs, n) -> new Sample(rs.getString("meter"), rs.getString("tag"), rs.getDouble("value")))
                    .list();
            batch.forEach(this::record);
        } while (batch.size() == DRAIN_BATCH);
    }

    private void record(Sample s) {
        switch (s.meter()) {
            case "submitted", "succeeded", "cancelled" ->
                meters.counter("gantry.jobs." + s.meter()).increment(s.value());
            case "failed" ->
                meters.counter("gantry.jobs.failed", "reason", s.tag()).increment(s.value());
            case "lease_expired" ->
                meters.counter("gantry.jobs.recovered", "cause", "lease-expired")
                        .increment(s.value());
            case "worker_exited" ->
                meters.counter("gantry.jobs.recovered", "cause", "worker-exited")
                        .increment(s.value());
            case "claim-wait" -> claimWait.record(Duration.ofNanos((long) (s.value() * 1e9)));
            case "points" -> pointsWritten.increment(s.value());
            default -> log.debug("Ignored operator sample {}", s.meter());
        }
    }

    void refreshGauges() {
        queueDepth.register(
                jdbc.sql("SELECT priority, count(*) AS n FROM jobs WHERE state = 'QUEUED' GROUP BY priority")
                        .query((rs, n) -> MultiGauge.Row.of(
                                Tags.of("priority", String.valueOf(rs.getInt("priority"))), rs.getLong("n")))
                        .list(),
                true);

        Map<String, Long> states = new LinkedHashMap<>();
        for (JobState state : JobState.values()) {
            states.put(state.name(), 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM jobs GROUP BY state")
                .query((rs, n) -> states.put(rs.getString("state"), rs.getLong("n")))
                .list();
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        states.forEach((state, n) -> stateRows.add(MultiGauge.Row.of(Tags.of("state", state), n)));
        jobsByState.register(stateRows, true);

        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        List<MultiGauge.Row<?>> jobs = new ArrayList<>();
        List<MultiGauge.Row<?>> rates = new ArrayList<>();
        jdbc.sql(WORKERS)
                .param("leaseMillis", leaseMillis)
                .query((rs, n) -> {
                    String worker = rs.getString("worker");
                    ages.add(MultiGauge.Row.of(Tags.of("worker", worker), Math.max(0, rs.getDouble("age"))));
                    String job = rs.getString("job");
                    if (job != null) {
                        Tags tags = Tags.of("worker", worker, "job", job);
                        jobs.add(MultiGauge.Row.of(tags, 1));
                        Double rate = rs.getObject("steps_per_second", Double.class);
                        if (rate != null) {
                            rates.add(MultiGauge.Row.of(tags, rate));
                        }
                    }
                    return worker;
                })
                .list();
        heartbeatAge.register(ages, true);
        currentJob.register(jobs, true);
        stepsPerSecond.register(rates, true);
    }
}
