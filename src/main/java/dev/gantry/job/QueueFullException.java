package dev.gantry.job;

/** The queue holds {@code gantry.limits.max-queued-jobs} jobs: a submit or resume must wait. */
public class QueueFullException extends RuntimeException {

    public QueueFullException(int maxQueuedJobs) {
        super("The queue is full: " + maxQueuedJobs + " jobs are waiting to run; try again when some have started");
    }
}
