package dev.gantry.api;

import java.io.IOException;

/** A request body over {@code gantry.limits.max-request-bytes}; thrown from the body stream, answered 413. */
class RequestTooLargeException extends IOException {

    private final long maxBytes;

    RequestTooLargeException(long maxBytes) {
        super("The request body is larger than " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }
}
