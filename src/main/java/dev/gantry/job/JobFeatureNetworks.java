package dev.gantry.job;

import dev.gantry.training.config.FeatureNetworkInfo;

/** Resolves the feature networks a spec names (perceptual's {@code network}). */
public interface JobFeatureNetworks {

    /** None: every named network is unknown. */
    JobFeatureNetworks NONE = id -> {
        throw new Unusable("no feature network '" + JobSpecValidator.quote(id) + "'");
    };

    /**
     * A {@code READY} network. Called inside the submitting transaction, so an implementation may
     * lock it against a concurrent delete.
     *
     * @throws Unusable when it names no network a job can use, with a message for the field
     */
    FeatureNetworkInfo require(String id);

    final class Unusable extends RuntimeException {
        public Unusable(String message) {
            super(message);
        }
    }
}
