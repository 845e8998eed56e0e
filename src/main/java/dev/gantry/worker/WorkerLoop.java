package dev.gantry.worker;

import dev.gantry.artifact.Artifacts;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.scheduler.ClaimedJob;
import dev.gantry.scheduler.JobClaimer;
import dev.gantry.scheduler.JobLeases;
import dev.gantry.scheduler.JobSignals;
import dev.gantry.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The worker role: claim a job, train it, report, repeat; one job at a time, since DJL allows one
 * gradient collector per process. Idle, it waits on a queue notification (or polls every few
 * seconds in case one was missed). On shutdown it stops claiming first, then drains the running
 * job (checkpoint, hand back), and the lease goes last with the run.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "worker")
class WorkerLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
    private static final Duration IDLE_POLL = Duration.ofSeconds(5);

    private final JobClaimer claimer;
    private final JobLeases leases;
    private final MetricWriter metrics;
    private final Artifacts artifacts;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final SchedulerProperties scheduling;
    private final WorkerProperties properties;
    private final TrainingDataLoader data;
    private final FeatureNetworkCache featureNetworks;
    private final Counter loopErrors;
    private final String workerId;

    private volatile boolean running;
    private volatile JobRun current;
    private JobSignals signals;
    private Thread thread;

    WorkerLoop(
            JobClaimer claimer,
            JobLeases leases,
            MetricWriter metrics,
            Artifacts artifacts,
            DataSource dataSource,
            JdbcClient jdbc,
            SchedulerProperties scheduling,
            WorkerProperties properties,
            TrainingDataLoader data,
            FeatureNetworkCache featureNetworks,
            MeterRegistry meters) {
        this.claimer = claimer;
        this.leases = leases;
        this.metrics = metrics;
        this.artifacts = artifacts;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.scheduling = scheduling;
        this.properties = properties;
        this.data = data;
        this.featureNetworks = featureNetworks;
        this.loopErrors = meters.counter("gantry.worker.loop.errors");
        this.workerId = hostName() + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void start() {
        running = true;
        signals = new JobSignals(dataSource, this::onCancelling);
        thread = new Thread(this::loop, "worker-loop");
        thread.start();
        if (properties.parentPid() != null) {
            // A local child must not outlive its server, even one killed with -9.
            ProcessHandle.of(properties.parentPid())
                    .ifPresentOrElse(
                            parent -> parent.onExit().thenRun(() -> {
                                log.warn("Server process {} is gone; worker exits", properties.parentPid());
                                System.exit(0);
                            }),
                            () -> System.exit(0));
        }
        log.info("Worker {} started", workerId);
    }

    private void loop() {
        while (running) {
            try {
                Optional<ClaimedJob> claimed = claimer.claim(workerId);
                if (claimed.isEmpty()) {
                    signals.awaitWork(IDLE_POLL);
                    continue;
                }
                JobRun run = new JobRun(
                        claimed.get(),
                        leases,
                        metrics,
                        artifacts,
                        data,
                        featureNetworks,
                        scheduling.heartbeatInterval(),
                        properties.metricsFlushInterval(),
                        scheduling.leaseDuration());
                current = run;
                register(run.job().id());
                if (!running) {
                    run.requestDrain();
                }
                run.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The loop must outlive a database restart: log, count, pause, carry on.
                loopErrors.increment();
                log.error("Worker loop iteration failed", e);
                sleepQuietly(Duration.ofSeconds(1));
            } finally {
                current = null;
            }
        }
    }

    private void onCancelling(UUID jobId) {
        JobRun run = current;
        if (run != null && run.job().id().equals(jobId)) {
            run.requestCancel();
        }
    }

    private void register(UUID jobId) {
        jdbc.sql("""
                        INSERT INTO workers (id, host, pid, current_job) VALUES (:id, :host, :pid, :job)
                        ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), current_job = excluded.current_job
                        """)
                .param("id", workerId)
                .param("host", hostName())
                .param("pid", ProcessHandle.current().pid())
                .param("job", jobId)
                .update();
    }

    @Override
    public void stop() {
        running = false;
        JobRun run = current;
        if (run != null) {
            log.info("Worker {} draining job {}", workerId, run.job().id());
            run.requestDrain();
        }
        if (thread != null) {
            if (run == null) {
                thread.interrupt(); // idle: wake it from its wait; a training thread is never interrupted
            }
            try {
                thread.join(properties.drainTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (signals != null) {
            signals.close();
        }
        log.info("Worker {} stopped", workerId);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
