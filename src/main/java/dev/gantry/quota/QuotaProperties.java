package dev.gantry.quota;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The quotas of every project that has none of its own ({@code gantry.quotas.*}); an owner sets a
 * project's own through {@code PUT /api/v1/projects/{projectId}/quotas}.
 *
 * @param maxQueuedJobs a project's jobs waiting in the queue; submits and resumes past it get 429
 * @param maxRunningJobs a project's jobs running at once; its other jobs wait while it is there
 * @param maxStoredBytes bytes a project's datasets, feature networks, checkpoints and samples take;
 *     uploads past it, and submits while it is reached, get 409
 */
@ConfigurationProperties("gantry.quotas")
public record QuotaProperties(
        @DefaultValue("1000") int maxQueuedJobs,
        @DefaultValue("1000") int maxRunningJobs,
        @DefaultValue("1TB") DataSize maxStoredBytes) {

    public QuotaProperties {
        require(maxQueuedJobs >= 0, "gantry.quotas.max-queued-jobs must be 0 or more");
        require(maxRunningJobs >= 0, "gantry.quotas.max-running-jobs must be 0 or more");
        require(maxStoredBytes.toBytes() >= 0, "gantry.quotas.max-stored-bytes must be 0 or more");
    }

    /** Every default as generous as the server's own limits: quotas are for the projects an owner narrows. */
    public static QuotaProperties defaults() {
        return new QuotaProperties(1000, 1000, DataSize.ofTerabytes(1));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
