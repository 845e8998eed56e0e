package dev.gantry.security;

/**
 * What a key may do in its project, each role including the ones before it. {@code OWNER} is
 * server-wide: it manages projects and every project's keys, and is an admin in its own project.
 */
public enum Role {
    /** Reads jobs, datasets, feature networks, metrics, artifacts. */
    VIEWER,
    /** Also submits, cancels, resumes, uploads and deletes. */
    EDITOR,
    /** Also manages the project's keys and reads its audit trail. */
    ADMIN,
    /** Also creates projects, manages any project's keys, and reads the operator endpoints. */
    OWNER;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }
}
