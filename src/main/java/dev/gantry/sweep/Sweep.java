package dev.gantry.sweep;

import java.time.Instant;
import java.util.UUID;

/** A sweep as stored: the accepted request with its defaults filled in, and where it stands. */
public record Sweep(
        UUID id,
        UUID projectId,
        String name,
        SweepState state,
        SweepRequest request,
        Instant createdAt,
        Instant finishedAt,
        Instant updatedAt) {}
