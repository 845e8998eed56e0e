package dev.gantry.sweep;

/** The request contradicts the sweep's state, such as cancelling a completed sweep. */
public class SweepConflictException extends RuntimeException {

    public SweepConflictException(String message) {
        super(message);
    }
}
