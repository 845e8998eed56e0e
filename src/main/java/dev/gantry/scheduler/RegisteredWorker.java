package dev.gantry.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of the worker registry as read at one instant.
 *
 * @param state {@link WorkerState#LOST} when the last heartbeat is older than the lease duration
 * @param currentJob the job it trains, null when idle
 * @param heartbeatAge since the last heartbeat, by the registry's clock
 */
public record RegisteredWorker(
        String id,
        String host,
        long pid,
        String device,
        String version,
        WorkerState state,
        UUID currentJob,
        Instant startedAt,
        Instant lastHeartbeatAt,
        Duration heartbeatAge) {}
