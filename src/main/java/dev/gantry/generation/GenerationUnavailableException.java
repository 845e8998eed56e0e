package dev.gantry.generation;

/**
 * No generation process could serve the request: the one drawing it stopped (crashed, killed,
 * timed out) or none is up yet. The server restarts them; {@code retryAfterSeconds} is null when
 * generation is turned off and waiting will not help (503).
 */
public class GenerationUnavailableException extends RuntimeException {

    /** A restart takes a JVM start and a libtorch load: a few seconds. */
    public static final int RESTART_RETRY_AFTER_SECONDS = 5;

    private final Integer retryAfterSeconds;

    public GenerationUnavailableException(String message, Integer retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
