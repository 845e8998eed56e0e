package dev.gantry.scheduler;

/** What a heartbeat learns about the job it holds. */
public enum LeaseStatus {
    /** Keep training. */
    HELD,
    /** A client asked to cancel: stop, checkpoint, end the job {@code CANCELLED}. */
    CANCEL_REQUESTED,
    /** The lease expired or the job was taken back: stop at once and write nothing more. */
    LOST
}
