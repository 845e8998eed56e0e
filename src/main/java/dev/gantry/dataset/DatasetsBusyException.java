package dev.gantry.dataset;

/** Every decode thread is busy and the queue before them is full; answered 503 with Retry-After. */
public class DatasetsBusyException extends RuntimeException {

    public DatasetsBusyException(int queued) {
        super("The server is decoding " + queued + " uploads already; try again shortly");
    }
}
