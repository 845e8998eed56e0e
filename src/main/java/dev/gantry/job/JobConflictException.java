package dev.gantry.job;

/** The request is well formed but contradicts the job's current state or an earlier request. */
public class JobConflictException extends RuntimeException {

    public JobConflictException(String message) {
        super(message);
    }
}
