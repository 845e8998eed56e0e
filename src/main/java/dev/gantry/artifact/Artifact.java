package dev.gantry.artifact;

import java.time.Instant;

/** A checkpoint or sample image of a job at one step; its bytes live in the object store. */
public record Artifact(long step, long sizeBytes, String sha256, Instant createdAt) {}
