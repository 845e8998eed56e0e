package dev.gantry.training.loss;

import dev.gantry.training.features.FeatureNetwork;
import dev.gantry.training.model.Network;
import java.util.function.IntFunction;

/** What terms are built with besides their parameters: networks that are not D or G. */
public interface TermResources {

    /** {@code perceptual-random}'s frozen random network with this many layers, seeded by the caller. */
    Network randomFeatures(int layers);

    /** {@code perceptual}'s uploaded feature network, loaded by the caller. */
    FeatureNetwork featureNetwork(String id);

    /** Random features only; a term that asks for an uploaded network fails. */
    static TermResources randomFeatures(IntFunction<Network> features) {
        return new TermResources() {
            @Override
            public Network randomFeatures(int layers) {
                return features.apply(layers);
            }

            @Override
            public FeatureNetwork featureNetwork(String id) {
                throw new IllegalArgumentException("no feature network " + id + " was given");
            }
        };
    }
}
