package dev.gantry.api;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Tells a slow-but-progressing body from a stalled or trickling one. Only time spent waiting in a
 * read counts, so a handler that pauses between reads (writing to disk, a database call) is never
 * taken for a slow client. Within each window of that waiting time the client must have sent
 * {@code minBytesPerSecond × window}; an honest 2 GB upload at any real network speed passes, a
 * byte every 2 s (the probe's attack, which Tomcat's per-read timeout cannot see) fails after one
 * window. A read that never returns is Tomcat's {@code connection-timeout}.
 */
final class BodyRate {

    /** The client sent its body too slowly; an I/O error so that it surfaces where the body is read. */
    static final class TooSlowException extends IOException {
        TooSlowException(String message) {
            super(message);
        }
    }

    private final long minBytesPerSecond;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private long waitedNanos;
    private long bytes;

    BodyRate(long minBytesPerSecond, long windowNanos, LongSupplier nanoTime) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.windowNanos = windowNanos;
        this.nanoTime = nanoTime;
    }

    long now() {
        return nanoTime.getAsLong();
    }

    /** @param startedAt {@link #now()} before the read; {@code n} the bytes it returned (0 or more) */
    void read(long startedAt, int n) throws TooSlowException {
        waitedNanos += Math.max(0, nanoTime.getAsLong() - startedAt);
        bytes += Math.max(0, n);
        if (waitedNanos < windowNanos) {
            return;
        }
        double required = minBytesPerSecond * (waitedNanos / 1e9);
        if (bytes < required) {
            throw new TooSlowException(String.format(
                    "the request body arrived at %d bytes in %.1f s of waiting, under the minimum of %d bytes/s",
                    bytes, waitedNanos / 1e9, minBytesPerSecond));
        }
        waitedNanos = 0;
        bytes = 0;
    }
}
