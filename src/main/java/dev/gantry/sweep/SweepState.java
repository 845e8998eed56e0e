package dev.gantry.sweep;

public enum SweepState {
    /** Trials are queued, running, or still to be submitted. */
    RUNNING,
    /** Every trial has ended. */
    COMPLETED,
    /** Cancelled by a client: no trial is submitted any more and the running ones were cancelled. */
    CANCELLED
}
