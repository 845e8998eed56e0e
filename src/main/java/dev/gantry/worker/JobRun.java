package dev.gantry.worker;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.ArtifactStoreException;
import dev.gantry.artifact.Artifacts;
import dev.gantry.artifact.BestBy;
import dev.gantry.dataset.CorruptDatasetException;
import dev.gantry.dataset.DatasetUnusableException;
import dev.gantry.features.FeatureNetworkUnusableException;
import dev.gantry.job.JobSpec;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricProtocol;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.scheduler.ClaimedJob;
import dev.gantry.scheduler.JobLeases;
import dev.gantry.scheduler.LeaseStatus;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingDivergedException;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.TrainingResult;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.TrainingData;
import dev.gantry.training.eval.EvaluationProtocol;
import dev.gantry.training.features.FeatureNetworks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed job, trained to its end in this process. Training runs on the calling thread; a
 * side thread renews the lease (learning of cancels and lost leases) and writes metric points and
 * progress in batches, so the training loop never waits on the database.
 */
final class JobRun implements TrainingListener {

    private static final Logger log = LoggerFactory.getLogger(JobRun.class);

    private final ClaimedJob job;
    private final JobLeases leases;
    private final MetricWriter metrics;
    private final Artifacts artifacts;
    private final TrainingDataLoader data;
    private final FeatureNetworkCache featureNetworks;
    private final Duration heartbeatInterval;
    private final Duration flushInterval;
    private final OutageRetry outage;
    private final RunEvaluation evaluation;
    private final BestBy keepBest;

    private final ConcurrentLinkedQueue<MetricPoint> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, Double> latest = new ConcurrentHashMap<>();
    private final StepRate rate = new StepRate();
    private static final long PROGRESS_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private volatile long lastStep;
    private long lastProgressLog = System.nanoTime();
    private volatile boolean cancelRequested;
    private volatile boolean drainRequested;
    private volatile boolean leaseLost;
    private final long maxRuntimeNanos;
    private volatile long trainingSinceNanos;
    private volatile boolean outOfTime;

    JobRun(
            ClaimedJob job,
            JobLeases leases,
            MetricWriter metrics,
            Artifacts artifacts,
            TrainingDataLoader data,
            FeatureNetworkCache featureNetworks,
            Duration heartbeatInterval,
            Duration flushInterval,
            Duration leaseDuration,
            RunEvaluation evaluation) {
        this.job = job;
        this.evaluation = evaluation;
        JobSpec.KeepBest best = job.spec().checkpoints().keepBest();
        this.keepBest = best == null ? null : BestBy.of(best.metric(), best.goal(), best.count());
        this.leases = leases;
        this.metrics = metrics;
        this.artifacts = artifacts;
        this.data = data;
        this.featureNetworks = featureNetworks;
        this.heartbeatInterval = heartbeatInterval;
        this.flushInterval = flushInterval;
        this.outage = new OutageRetry(leaseDuration);
        // Specs stored before limits existed have none.
        Long maxRuntime =
                job.spec().limits() == null ? null : job.spec().limits().maxRuntimeSeconds();
        this.maxRuntimeNanos = maxRuntime == null ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(maxRuntime);
    }

    ClaimedJob job() {
        return job;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    /** Stop soon, checkpoint, and hand the job back to the queue (the process is shutting down). */
    void requestDrain() {
        drainRequested = true;
    }

    void run() {
        ScheduledExecutorService side = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-" + job.id().toString().substring(0, 8) + "-lease");
            t.setDaemon(true);
            return t;
        });
        side.scheduleWithFixedDelay(this::heartbeat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        side.scheduleWithFixedDelay(
                this::flushQuietly, flushInterval.toMillis(), flushInterval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            TrainingConfig config = TrainingConfigs.from(job.spec());
            Optional<Artifact> checkpoint = outage.call(() -> artifacts.latest(ArtifactKind.CHECKPOINT, job.id()));
            byte[] resumeFrom = checkpoint
                    .map(c -> outage.call(() -> artifacts.read(ArtifactKind.CHECKPOINT, job.id(), c.step())))
                    .orElse(null);
            long fromStep = checkpoint.map(Artifact::step).orElse(0L);
            JobSpec.From fork = job.spec().from();
            if (resumeFrom == null && fork != null) {
                // A fork's first run starts from its parent's checkpoint, pinned at submit; its own
                // checkpoints take over from then on.
                UUID parent = UUID.fromString(fork.job());
                long parentStep = fork.step().asLong();
                resumeFrom = outage.call(() -> artifacts.read(ArtifactKind.CHECKPOINT, parent, parentStep));
                fromStep = parentStep;
            }
            long startStep = fromStep;
            outage.run(() -> leases.started(job, startStep));
            log.info(
                    "Job {} attempt {} starts at step {} of {}: {} on {}",
                    job.id(),
                    job.attempt(),
                    startStep,
                    config.steps(),
                    config.loss().adversarial(),
                    config.dataset());
            TrainingData trainingData = outage.call(() -> data.load(config.data()));
            FeatureNetworks networks =
                    outage.call(() -> featureNetworks.forRun(config, evaluation.networks(job.spec())));
            TrainingResult result = GanTraining.run(
                    config, trainingData, resumeFrom, this, networks, evaluation.setup(job.spec(), networks));
            side.shutdown();
            outage.run(this::flush);
            finish(result);
        } catch (TrainingDivergedException e) {
            side.shutdown();
            flushQuietly();
            log.warn("Job {} diverged at step {}", job.id(), e.step());
            outage.call(() -> leases.fail(job, e.step(), "DIVERGED", e.getMessage()));
        } catch (ArtifactStoreException e) {
            failQuietly(e, "STORAGE");
        } catch (DatasetUnusableException | CorruptDatasetException e) {
            failQuietly(e, "DATASET");
        } catch (FeatureNetworkUnusableException e) {
            failQuietly(e, "FEATURE_NETWORK");
        } catch (RuntimeException e) {
            failQuietly(e, "ERROR");
        } finally {
            side.shutdownNow();
        }
    }

    private void failQuietly(RuntimeException e, String reason) {
        flushQuietly();
        log.error("Job {} failed at step {} ({})", job.id(), lastStep, reason, e);
        if (!leaseLost) {
            outage.call(() -> leases.fail(job, lastStep, reason, String.valueOf(e.getMessage())));
        }
    }

    private void finish(TrainingResult result) {
        long step = result.step();
        if (leaseLost) {
            log.warn(
                    "Job {} attempt {} lost its lease at step {}; its new run takes over",
                    job.id(),
                    job.attempt(),
                    step);
        } else if (!result.stopped()) {
            outage.call(() -> leases.succeed(job, step));
            log.info("Job {} succeeded after {} steps", job.id(), step);
        } else if (cancelRequested) {
            outage.call(() -> leases.cancelled(job, step));
            log.info("Job {} cancelled at step {}", job.id(), step);
        } else if (outOfTime) {
            String message = "this run reached limits.maxRuntimeSeconds = "
                    + job.spec().limits().maxRuntimeSeconds() + " s at step " + step
                    + "; checkpointed, resume to continue";
            outage.call(() -> leases.fail(job, step, "MAX_RUNTIME", message));
            log.warn("Job {}: {}", job.id(), message);
        } else {
            outage.call(() -> leases.release(job));
            log.info("Job {} handed back to the queue at step {} (worker draining)", job.id(), step);
        }
    }

    @Override
    public void onStep(long step, Map<String, Double> values) {
        if (trainingSinceNanos == 0) {
            trainingSinceNanos = System.nanoTime();
        }
        lastStep = step;
        rate.record(step, System.nanoTime());
        values.forEach((name, value) -> pending.add(new MetricPoint(name, step, value)));
        latest.putAll(values);
    }

    @Override
    public void onEvaluation(
            long step, Map<String, Double> values, Map<String, EvaluationProtocol> protocols, byte[] samplePng) {
        Map<EvaluationProtocol, MetricProtocol> stored = new HashMap<>();
        values.forEach((name, value) -> {
            EvaluationProtocol p = protocols.get(name);
            MetricProtocol protocol = p == null ? null : stored.computeIfAbsent(p, JobRun::stored);
            pending.add(new MetricPoint(name, step, value, protocol));
        });
        latest.putAll(values);
        if (!values.isEmpty()) {
            log.info("Job {} evaluation at step {}: {}", job.id(), step, values);
        }
        if (samplePng != null && !leaseLost) {
            try {
                outage.call(() -> artifacts.save(
                        ArtifactKind.SAMPLE, job.id(), job.attempt(), step, samplePng, Integer.MAX_VALUE));
            } catch (ArtifactStoreException e) {
                // A missing picture is not worth the run: training goes on, the next sample may land.
                log.warn("Job {}: sample at step {} not stored: {}", job.id(), step, e.getMessage());
            }
        }
    }

    @Override
    public void onCheckpoint(long step, byte[] checkpoint) {
        if (leaseLost) {
            return;
        }
        // Curves first: a run resumed from this checkpoint must find every earlier point written.
        outage.run(this::flush);
        if (!outage.call(() -> artifacts.save(
                ArtifactKind.CHECKPOINT,
                job.id(),
                job.attempt(),
                step,
                checkpoint,
                job.spec().checkpoints().keepLast(),
                keepBest))) {
            leaseLost = true;
        }
    }

    private static MetricProtocol stored(EvaluationProtocol p) {
        return new MetricProtocol(
                p.featureNetworkSha256(),
                p.featureOutput(),
                p.resize(),
                p.generated(),
                p.referenceSplit(),
                p.referenceCount(),
                p.imageFormat(),
                new TreeMap<>(p.parameters()));
    }

    @Override
    public boolean stopRequested() {
        // Counted from the run's first step: engine start-up and checkpoint loading vary with the
        // machine and are not the job's doing.
        long since = trainingSinceNanos;
        if (since != 0 && System.nanoTime() - since > maxRuntimeNanos) {
            outOfTime = true;
        }
        return cancelRequested || drainRequested || leaseLost || outOfTime;
    }

    private void heartbeat() {
        try {
            LeaseStatus status = leases.renew(job);
            if (status == LeaseStatus.CANCEL_REQUESTED) {
                cancelRequested = true;
            } else if (status == LeaseStatus.LOST) {
                leaseLost = true;
            }
        } catch (RuntimeException e) {
            // A database outage shorter than the lease costs nothing: keep training, retry.
            log.warn("Heartbeat of job {} failed: {}", job.id(), e.getMessage());
        }
    }

    private synchronized void flush() {
        List<MetricPoint> batch = new ArrayList<>();
        for (MetricPoint p; (p = pending.poll()) != null; ) {
            batch.add(p);
        }
        boolean written;
        try {
            written = batch.isEmpty() || metrics.write(job.id(), job.attempt(), batch);
        } catch (RuntimeException e) {
            // Keep the points for the next flush: writes are idempotent per (job, name, step).
            pending.addAll(batch);
            throw e;
        }
        if (!written) {
            leaseLost = true;
            return;
        }
        Double perSecond = rate.perSecond();
        if (!leases.progress(job, lastStep, perSecond, Map.copyOf(latest))) {
            leaseLost = true;
        }
        logProgress(perSecond);
    }

    private void logProgress(Double perSecond) {
        long now = System.nanoTime();
        if (now - lastProgressLog < PROGRESS_LOG_INTERVAL_NANOS || perSecond == null || perSecond <= 0) {
            return;
        }
        lastProgressLog = now;
        long total = job.spec().training().steps();
        long etaSeconds = Math.round((total - lastStep) / perSecond);
        log.info(
                "Job {} step {}/{} ({}%), {} steps/s, ETA {}m{}s, loss/d {} loss/g {}",
                job.id(),
                lastStep,
                total,
                lastStep * 100 / total,
                String.format("%.1f", perSecond),
                etaSeconds / 60,
                etaSeconds % 60,
                latest.get("loss/d"),
                latest.get("loss/g"));
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Writing metrics of job {} failed; will retry: {}", job.id(), e.getMessage());
        }
    }
}
