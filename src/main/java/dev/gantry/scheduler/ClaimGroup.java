package dev.gantry.scheduler;

/**
 * Workers that together run at most {@code limit} jobs: a server's local children, one of which
 * is a warm spare.
 *
 * @param name unique to the group, such as the supervising server's instance id
 */
public record ClaimGroup(String name, int limit) {

    public ClaimGroup {
        if (limit < 1) {
            throw new IllegalArgumentException("a claim group runs at least one job, not " + limit);
        }
    }
}
