package dev.gantry.quota;

/** What a project's quotas bound, by the name the API uses for each. */
public enum Quota {
    /** Jobs waiting in the queue: a submit or resume past it is refused (429). */
    QUEUED_JOBS("queuedJobs"),
    /** Jobs running at once: the claimer passes over a project's queued jobs at its limit. */
    RUNNING_JOBS("runningJobs"),
    /** Bytes of datasets, feature networks, checkpoints and samples: uploads past it are refused (409). */
    STORED_BYTES("storedBytes");

    private final String id;

    Quota(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
