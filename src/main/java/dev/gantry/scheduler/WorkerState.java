package dev.gantry.scheduler;

/** What a registered worker is doing, as {@code GET /api/v1/workers} shows it. */
public enum WorkerState {
    /** Waiting for a job. */
    IDLE,
    /** Training its current job. */
    BUSY,
    /** Stopping: checkpointing its job to hand it back, then exiting. */
    DRAINING,
    /** Silent for longer than a lease: killed, hung or cut off. Decided when read, never stored. */
    LOST
}
