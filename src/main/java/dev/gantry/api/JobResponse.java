package dev.gantry.api;

import dev.gantry.job.Job;
import dev.gantry.job.JobSpec;
import dev.gantry.job.JobState;
import dev.gantry.sweep.SweepService;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it, with its progress and the run's latest metric values. */
record JobResponse(
        UUID id,
        String name,
        JobState state,
        int priority,
        int attempt,
        long step,
        long totalSteps,
        Progress progress,
        Job.Failure failure,
        Map<String, Double> latestMetrics,
        JobSpec spec,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        SweepService.TrialTag sweep) {

    /**
     * @param fraction of the total steps done, 0 to 1
     * @param stepsPerSecond recent training pace; null before the run has taken two steps
     * @param etaSeconds time left at that pace, while the job runs
     */
    record Progress(double fraction, Double stepsPerSecond, Long etaSeconds) {}

    static JobResponse of(Job job) {
        return of(job, null);
    }

    /** @param sweep the sweep trial the job runs; null for a job of its own */
    static JobResponse of(Job job, SweepService.TrialTag sweep) {
        Double rate =
                job.state() == JobState.RUNNING || job.state() == JobState.CANCELLING ? job.stepsPerSecond() : null;
        Long eta = rate == null || rate <= 0 ? null : Math.round((job.totalSteps() - job.step()) / rate);
        double fraction = job.totalSteps() == 0 ? 0 : Math.min(1.0, (double) job.step() / job.totalSteps());
        return new JobResponse(
                job.id(),
                job.name(),
                job.state(),
                job.priority(),
                job.attempt(),
                job.step(),
                job.totalSteps(),
                new Progress(fraction, rate, eta),
                job.failure(),
                job.latestMetrics(),
                job.spec(),
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.updatedAt(),
                sweep);
    }
}
