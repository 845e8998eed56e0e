package dev.gantry.job;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Until uploaded feature networks exist, no id names one: a job that asks for FID is refused at
 * submit, not failed on the worker. The feature-network registry replaces this.
 */
@Component
class NoFeatureNetworks implements JobFeatureNetworks {

    @Override
    public void require(String featureNetwork) {
        throw new InvalidRequestException(List.of(new FieldError(
                "evaluation.featureNetwork",
                "no feature network '" + JobSpecValidator.quote(featureNetwork)
                        + "' has been uploaded; FID, KID and precision/recall need one")));
    }
}
