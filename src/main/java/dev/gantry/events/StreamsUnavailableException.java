package dev.gantry.events;

/** No stream can be opened here now: the server is shutting down, or holds its maximum of streams. */
public class StreamsUnavailableException extends RuntimeException {

    public static final int RETRY_AFTER_SECONDS = 5;

    public StreamsUnavailableException(String message) {
        super(message);
    }
}
