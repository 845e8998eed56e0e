package dev.gantry.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Caps that keep one client, one crashing job or one huge request from taking the service down.
 *
 * @param maxQueuedJobs submits and resumes are refused (429) while this many jobs are queued
 * @param maxAttempts runs a job may lose to an expired lease (a killed or hung worker) before it
 *     fails with {@code MAX_ATTEMPTS} instead of going back to the queue
 * @param defaultMaxRuntime a job's run-time limit when its spec sets none
 * @param maxRuntime the largest run-time limit a spec may ask for
 * @param maxRequestBytes the largest request body (multipart uploads have their own limit); bigger is a 413
 */
@ConfigurationProperties("gantry.limits")
public record LimitsProperties(
        @DefaultValue("1000") int maxQueuedJobs,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("24h") Duration defaultMaxRuntime,
        @DefaultValue("7d") Duration maxRuntime,
        @DefaultValue("1MB") DataSize maxRequestBytes) {

    // Refuse a contradictory configuration at start-up rather than jobs later.
    public LimitsProperties {
        require(maxQueuedJobs >= 0, "gantry.limits.max-queued-jobs must be 0 or more");
        require(maxAttempts >= 1, "gantry.limits.max-attempts must be at least 1");
        require(maxRuntime.toSeconds() >= 1, "gantry.limits.max-runtime must be at least 1s");
        require(
                defaultMaxRuntime.toSeconds() >= 1 && defaultMaxRuntime.compareTo(maxRuntime) <= 0,
                "gantry.limits.default-max-runtime must be between 1s and gantry.limits.max-runtime");
        require(maxRequestBytes.toBytes() >= 1, "gantry.limits.max-request-bytes must be at least 1 byte");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
