package dev.gantry.job;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as stored: its complete spec and where its run stands. */
public record Job(
        UUID id,
        String name,
        JobState state,
        int priority,
        JobSpec spec,
        int attempt,
        long step,
        long totalSteps,
        Double stepsPerSecond,
        Map<String, Double> latestMetrics,
        String workerId,
        Failure failure,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt) {

    /** Why a job failed: a reason code such as {@code DIVERGED} or {@code ERROR}, and the step it stopped at. */
    public record Failure(String reason, String message, Long step) {}
}
