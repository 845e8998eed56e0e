package dev.gantry.events;

/** The caller's key already holds {@code gantry.events.max-streams-per-key} open streams. */
public class TooManyStreamsException extends RuntimeException {

    public TooManyStreamsException(int limit) {
        super("this key already has " + limit + " event streams open (gantry.events.max-streams-per-key);"
                + " close one, or read the project's streams through GET /api/v1/events");
    }
}
