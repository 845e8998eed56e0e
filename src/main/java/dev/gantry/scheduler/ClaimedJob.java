package dev.gantry.scheduler;

import dev.gantry.job.JobSpec;
import java.util.UUID;

/** A job this worker now holds the lease of; {@code attempt} is the fencing token for every write. */
public record ClaimedJob(UUID id, int attempt, JobSpec spec) {}
