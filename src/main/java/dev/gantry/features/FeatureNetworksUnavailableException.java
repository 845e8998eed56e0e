package dev.gantry.features;

/**
 * Uploads cannot be taken now (503): the validation queue is full, or this server runs no process
 * that could validate them; {@code retryAfterSeconds} is null when waiting will not help.
 */
public class FeatureNetworksUnavailableException extends RuntimeException {

    private final Integer retryAfterSeconds;

    public FeatureNetworksUnavailableException(String message, Integer retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
