package dev.gantry.generation;

/**
 * The process serving the request stopped while it did: it crashed, was killed, or overran {@code
 * request-timeout} and was stopped. For a draw that is the server's trouble (503, retry); for a
 * feature network's validation it is the module's doing.
 */
public class GenerationLostException extends GenerationUnavailableException {

    private final boolean timedOut;

    public GenerationLostException(String message, boolean timedOut) {
        super(message, RESTART_RETRY_AFTER_SECONDS);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
