package dev.gantry.job;

import dev.gantry.features.FeatureNetworkService;
import dev.gantry.features.FeatureNetworkUnusableException;
import dev.gantry.training.config.FeatureNetworkInfo;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** {@code READY} uploaded feature networks, each row locked against a delete until the submit commits. */
@Component
class FeatureNetworkJobNetworks implements JobFeatureNetworks {

    private final FeatureNetworkService networks;

    FeatureNetworkJobNetworks(FeatureNetworkService networks) {
        this.networks = networks;
    }

    @Override
    public FeatureNetworkInfo require(String id) {
        return require(id, null);
    }

    /** For a job of {@code project}: another project's network is unknown. */
    JobFeatureNetworks in(UUID project) {
        return id -> require(id, project);
    }

    private FeatureNetworkInfo require(String id, UUID project) {
        try {
            return networks.requireReadyForJob(id, project);
        } catch (FeatureNetworkUnusableException e) {
            throw new Unusable(e.getMessage());
        }
    }
}
