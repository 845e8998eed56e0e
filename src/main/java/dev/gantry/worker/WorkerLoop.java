package dev.gantry.worker;

import dev.gantry.artifact.Artifacts;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.scheduler.ClaimedJob;
import dev.gantry.scheduler.JobClaimer;
import dev.gantry.scheduler.JobLeases;
import dev.gantry.scheduler.JobSignals;
import dev.gantry.scheduler.SchedulerProperties;
import dev.gantry.scheduler.WorkerRegistry;
import dev.gantry.scheduler.WorkerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The worker role: claim a job, train it, report, repeat; one job at a time, since DJL allows one
 * gradient collector per process. Idle, it waits on a queue notification (or polls every few
 * seconds in case one was missed). On shutdown it stops claiming first, then drains the running
 * job (checkpoint, hand back), and the lease goes last with the run.
 *
 * <p>The worker registers in the {@code workers} table and heartbeats there every
 * {@code heartbeat-interval}, idle or busy, on a thread of its own, so {@code GET /api/v1/workers}
 * shows every worker, local child or remote pod, and marks one that falls silent {@code LOST}. The
 * heartbeat stops last, after the drain, and a clean stop removes the row.
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
    private final WorkerRegistry registry;
    private final String version;
    private final SchedulerProperties scheduling;
    private final WorkerProperties properties;
    private final TrainingDataLoader data;
    private final WorkerDevice device;
    private final FeatureNetworkCache featureNetworks;
    private final Counter loopErrors;
    private final Counter heartbeatErrors;
    private final String workerId;

    private volatile boolean running;
    private volatile boolean draining;
    private volatile JobRun current;
    private boolean registered;
    private JobSignals signals;
    private Thread thread;
    private ScheduledExecutorService heartbeat;

    private final RunEvaluation evaluation;

    WorkerLoop(
            JobClaimer claimer,
            JobLeases leases,
            MetricWriter metrics,
            Artifacts artifacts,
            DataSource dataSource,
            WorkerRegistry registry,
            SchedulerProperties scheduling,
            WorkerProperties properties,
            TrainingDataLoader data,
            RunEvaluation evaluation,
            FeatureNetworkCache featureNetworks,
            WorkerDevice device,
            MeterRegistry meters,
            ObjectProvider<BuildProperties> build) {
        this.evaluation = evaluation;
        this.claimer = claimer;
        this.leases = leases;
        this.metrics = metrics;
        this.artifacts = artifacts;
        this.dataSource = dataSource;
        this.registry = registry;
        BuildProperties buildProperties = build.getIfAvailable();
        this.version = buildProperties != null ? buildProperties.getVersion() : "unknown";
        this.scheduling = scheduling;
        this.properties = properties;
        this.data = data;
        this.device = device;
        this.featureNetworks = featureNetworks;
        this.loopErrors = meters.counter("gantry.worker.loop.errors");
        this.heartbeatErrors = meters.counter("gantry.worker.heartbeat.errors");
        this.workerId = WorkerIds.of(
                ProcessHandle.current().pid(),
                properties.idSuffix() != null ? properties.idSuffix() : WorkerIds.newSuffix());
    }

    @Override
    public void start() {
        running = true;
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(
                this::heartbeat, 0, scheduling.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
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
        log.info("Worker {} started on {}", workerId, device.description());
    }

    private void loop() {
        while (running) {
            try {
                Optional<ClaimedJob> claimed = claimer.claim(workerId, device.gpu(), properties.group());
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
                        scheduling.leaseDuration(),
                        evaluation);
                current = run;
                heartbeat(); // shown BUSY at once, not a heartbeat later
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
                if (current != null) {
                    current = null;
                    heartbeat();
                }
            }
        }
    }

    /**
     * Registers, or renews the row with what the worker does now. Never throws: a heartbeat that
     * fails (the database restarting) is counted and tried again at the next interval.
     */
    private synchronized void heartbeat() {
        try {
            JobRun run = current;
            WorkerState state = draining ? WorkerState.DRAINING : run != null ? WorkerState.BUSY : WorkerState.IDLE;
            if (!registered
                    || !registry.heartbeat(
                            workerId, state, run == null ? null : run.job().id())) {
                registry.register(new WorkerRegistry.WorkerIdentity(
                        workerId, WorkerIds.hostName(), ProcessHandle.current().pid(), device.kind(), version));
                registered = true;
                if (state != WorkerState.IDLE) {
                    registry.heartbeat(
                            workerId, state, run == null ? null : run.job().id());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            heartbeatErrors.increment();
            log.warn("Worker heartbeat failed: {}", e.toString());
        }
    }

    private void onCancelling(UUID jobId) {
        JobRun run = current;
        if (run != null && run.job().id().equals(jobId)) {
            run.requestCancel();
        }
    }

    @Override
    public void stop() {
        running = false;
        draining = true;
        heartbeat();
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
        // The heartbeat goes last: until here the worker was draining, and said so.
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        try {
            registry.deregister(workerId);
        } catch (RuntimeException e) {
            log.warn("Worker {} could not remove its registration: {}", workerId, e.toString());
        }
        log.info("Worker {} stopped", workerId);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
