package dev.gantry.sweep;

import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobService;
import dev.gantry.job.JobSpec;
import dev.gantry.job.QueueFullException;
import dev.gantry.quota.QuotaExceededException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the sweeps: keeps {@code parallelTrials} trials queued or running, submits the next when
 * one ends, applies early stopping at the rungs or PBT's decisions ({@link PbtDriver}), and marks a sweep {@code COMPLETED} when its
 * last trial has ended. It holds no state of its own: each pass reads the sweep's rows, so a
 * restarted server, or another one, carries on where the last pass left off. Each sweep is
 * handled under its row lock, taken with SKIP LOCKED, so two servers never drive it at once.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
public class SweepDriver {

    private static final Logger log = LoggerFactory.getLogger(SweepDriver.class);

    private final SweepRepository sweeps;
    private final JobService jobs;
    private final JsonMapper json;
    private final TransactionTemplate pass;
    private final TransactionTemplate submission;
    private final Counter submitted;
    private final Counter stopped;
    private final Counter errors;
    private final PbtDriver pbt;

    SweepDriver(
            SweepRepository sweeps,
            JobService jobs,
            JsonMapper json,
            PlatformTransactionManager transactions,
            MeterRegistry meters) {
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.json = json;
        this.pass = new TransactionTemplate(transactions);
        // A refused submit (a full queue) must not roll back the pass that holds the sweep's lock.
        this.submission = new TransactionTemplate(transactions);
        this.submission.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.submitted = meters.counter("gantry.sweeps.trials.submitted");
        this.stopped = meters.counter("gantry.sweeps.trials.early-stopped");
        this.errors = meters.counter("gantry.sweeps.driver.errors");
        this.pbt = new PbtDriver(sweeps, jobs, meters.counter("gantry.sweeps.trials.exploited"));
    }

    @Scheduled(fixedDelayString = "${gantry.sweeps.interval:1s}")
    void run() {
        try {
            drive();
        } catch (RuntimeException e) {
            // The driver must outlive a database restart: log, count, try again next round.
            errors.increment();
            log.error("Sweep driver round failed", e);
        }
    }

    /** One pass over every running sweep. */
    public void drive() {
        for (UUID id : sweeps.running()) {
            try {
                pass.executeWithoutResult(status -> sweeps.lockRunning(id).ifPresent(this::drive));
            } catch (RuntimeException e) {
                errors.increment();
                log.error("Sweep {}: driver pass failed", id, e);
            }
        }
    }

    private void drive(Sweep sweep) {
        List<SweepTrial> trials = sweeps.trials(sweep.id());
        // Read before the decisions: a trial that ends after this read is seen by the next pass,
        // which records its values before the sweep may complete.
        boolean quietBefore = trials.stream().noneMatch(SweepTrial::active);
        if (sweep.request().earlyStopping() != null) {
            applyEarlyStopping(sweep, trials);
            trials = sweeps.trials(sweep.id());
        } else if ("pbt".equals(sweep.request().strategy()) && pbt.apply(sweep, trials) > 0) {
            // The replacements are rows of this uncommitted pass, which a submit's own transaction
            // could not link its job to: the next pass submits them.
            return;
        }
        long active = trials.stream().filter(SweepTrial::active).count();
        for (SweepTrial trial : trials) {
            if (active >= sweep.request().parallelTrials()) {
                break;
            }
            if (!trial.pending()) {
                continue;
            }
            Outcome outcome = submit(sweep, trial);
            if (outcome == Outcome.QUEUE_FULL) {
                return;
            }
            if (outcome == Outcome.SUBMITTED) {
                active++;
            }
        }
        if (quietBefore
                && active == 0
                && sweeps.trials(sweep.id()).stream().noneMatch(t -> t.pending() || t.active())) {
            sweeps.finish(sweep.id(), SweepState.COMPLETED);
            log.info("Sweep {} completed", sweep.id());
        }
    }

    enum Outcome {
        SUBMITTED,
        SKIPPED,
        QUEUE_FULL
    }

    /**
     * The submit and the link to the trial commit together. The idempotency key is the trial's all
     * the same: should two passes ever both submit a trial (a lock lost with its connection), the
     * second gets the first one's job instead of queueing another.
     */
    private Outcome submit(Sweep sweep, SweepTrial trial) {
        JobSpec spec = json.treeToValue(sweeps.spec(sweep.id(), trial.trial()), JobSpec.class);
        String key = "sweep-" + sweep.id() + "-trial-" + trial.trial();
        try {
            submission.executeWithoutResult(status -> {
                UUID job = jobs.submit(sweep.projectId(), spec, key).job().id();
                sweeps.attach(sweep.id(), trial.trial(), job);
            });
            submitted.increment();
            return Outcome.SUBMITTED;
        } catch (QueueFullException | QuotaExceededException e) {
            // The server's queue or the project's quota is full: the sweep waits its turn.
            return Outcome.QUEUE_FULL;
        } catch (InvalidRequestException e) {
            // Valid when the sweep was made; what changed since (a deleted dataset) stays so.
            sweeps.skip(sweep.id(), trial.trial(), "refused on submit: " + e.errors());
            log.warn("Sweep {}: trial {} skipped: {}", sweep.id(), trial.trial(), e.errors());
            return Outcome.SKIPPED;
        }
    }

    /**
     * Records each trial's objective at each rung it has reached, in trial order, and stops a
     * queued or running trial that falls outside the best 1/η there. A trial that has already
     * ended is recorded too, since later trials are judged against it.
     */
    private void applyEarlyStopping(Sweep sweep, List<SweepTrial> trials) {
        SweepRequest.EarlyStopping stopping = sweep.request().earlyStopping();
        SweepRequest.Objective objective = sweep.request().objective();
        boolean maximize = objective.goal().equals("max");
        Map<Integer, List<Double>> recorded = new HashMap<>();
        Map<Integer, Integer> reached = new HashMap<>();
        Set<Integer> stoppedTrials = new HashSet<>();
        for (SweepRepository.Rung r : sweeps.rungs(sweep.id())) {
            recorded.computeIfAbsent(r.rung(), k -> new ArrayList<>()).add(r.value());
            reached.merge(r.trial(), r.rung() + 1, Math::max);
            if (r.decision().equals("STOP")) {
                stoppedTrials.add(r.trial());
            }
        }
        for (SweepTrial trial : trials) {
            if (trial.jobId() == null || stoppedTrials.contains(trial.trial())) {
                continue;
            }
            List<Long> rungs = Asha.rungSteps(stopping, trial.evalEvery(), trial.steps());
            for (int k = reached.getOrDefault(trial.trial(), 0); k < rungs.size(); k++) {
                long step = rungs.get(k);
                List<double[]> points = sweeps.points(trial.jobId(), objective.metric(), step);
                if (points.isEmpty() || points.get(points.size() - 1)[0] != step) {
                    break;
                }
                double value = SweepAnalysis.objective(points, objective);
                List<Double> earlier = recorded.computeIfAbsent(k, x -> new ArrayList<>());
                String state = sweeps.lockJobState(trial.jobId());
                boolean stoppable = state.equals("QUEUED") || state.equals("RUNNING");
                boolean goesOn = !stoppable || Asha.continues(value, earlier, stopping.reductionFactor(), maximize);
                String decision = !stoppable ? "ENDED" : goesOn ? "CONTINUE" : "STOP";
                sweeps.record(sweep.id(), new SweepRepository.Rung(k, trial.trial(), step, value, decision));
                earlier.add(value);
                if (!goesOn) {
                    int keep = Math.max(1, earlier.size() / stopping.reductionFactor());
                    jobs.cancel(
                            trial.jobId(),
                            SweepRepository.EARLY_STOPPED,
                            "ASHA rung " + k + " (evaluation " + Asha.evaluations(stopping, k) + ", step " + step
                                    + "): " + objective.metric() + " " + value + " is not among the best " + keep
                                    + " of " + earlier.size());
                    stopped.increment();
                    log.info("Sweep {}: trial {} stopped early at step {}", sweep.id(), trial.trial(), step);
                    break;
                }
            }
        }
    }
}
