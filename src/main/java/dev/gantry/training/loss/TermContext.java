package dev.gantry.training.loss;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.FeatureNetworkInfo;
import java.util.Map;

/**
 * What a term's parameters are checked against besides themselves.
 *
 * @param discriminatorLayers hidden layers of the configured discriminator, for {@code layer}
 *     parameters; 0 when unknown
 * @param data the data the run trains on
 * @param networks the READY feature networks the spec names, by id
 */
public record TermContext(int discriminatorLayers, DataConfig data, Map<String, FeatureNetworkInfo> networks) {

    public TermContext {
        networks = Map.copyOf(networks);
    }
}
