package dev.gantry.job;

import dev.gantry.features.FeatureNetworkService;
import dev.gantry.features.FeatureNetworkUnusableException;
import dev.gantry.training.config.FeatureNetworkInfo;
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
        try {
            return networks.requireReadyForJob(id);
        } catch (FeatureNetworkUnusableException e) {
            throw new Unusable(e.getMessage());
        }
    }
}
