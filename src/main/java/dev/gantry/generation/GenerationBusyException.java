package dev.gantry.generation;

/** Every generation process is drawing for another request: try again in a moment (503). */
public class GenerationBusyException extends RuntimeException {

    /** Draws take well under a second for the sizes allowed. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public GenerationBusyException(String message) {
        super(message);
    }
}
