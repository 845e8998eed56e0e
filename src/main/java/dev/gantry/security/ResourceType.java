package dev.gantry.security;

/** What a handler's path variable names, so its project can be checked before the handler runs. */
public enum ResourceType {
    /** No project resource in the path (a list, a submit, the catalog). */
    NONE,
    /** {@code id} (and {@code otherId}) are jobs; their artifacts, metrics and events go with them. */
    JOB,
    /** {@code id} is a dataset: an upload's uuid, or a built-in set's name (every project's). */
    DATASET,
    /** {@code id} is an uploaded feature network. */
    FEATURE_NETWORK,
    /** {@code projectId} is a project (its keys, its audit trail). */
    PROJECT,
    /** {@code id} is a sweep; its trials are jobs of the same project. */
    SWEEP
}
