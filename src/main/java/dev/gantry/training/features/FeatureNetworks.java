package dev.gantry.training.features;

import dev.gantry.training.config.FeatureNetworkInfo;
import java.util.Map;
import java.util.Optional;

/**
 * The uploaded feature networks a run may use, by id, loaded by the caller (a worker keeps them
 * loaded across jobs). The run does not close them.
 */
public interface FeatureNetworks {

    /** None: a spec that names a network is refused by the catalog. */
    FeatureNetworks NONE = of(Map.of());

    /** What the catalog checks terms against; empty for an id the run was not given. */
    Optional<FeatureNetworkInfo> info(String id);

    /** @throws IllegalArgumentException for an id the run was not given */
    FeatureNetwork network(String id);

    /** The infos by id, as {@code TrainingCatalog.validate} takes them. */
    Map<String, FeatureNetworkInfo> infos();

    /** Loaded networks with their infos. */
    record Loaded(FeatureNetworkInfo info, FeatureNetwork network) {}

    static FeatureNetworks of(Map<String, Loaded> byId) {
        Map<String, Loaded> copy = Map.copyOf(byId);
        return new FeatureNetworks() {
            @Override
            public Optional<FeatureNetworkInfo> info(String id) {
                return Optional.ofNullable(copy.get(id)).map(Loaded::info);
            }

            @Override
            public FeatureNetwork network(String id) {
                Loaded loaded = copy.get(id);
                if (loaded == null) {
                    throw new IllegalArgumentException("feature network " + id + " was not given to this run");
                }
                return loaded.network();
            }

            @Override
            public Map<String, FeatureNetworkInfo> infos() {
                Map<String, FeatureNetworkInfo> out = new java.util.HashMap<>();
                copy.forEach((id, l) -> out.put(id, l.info()));
                return Map.copyOf(out);
            }
        };
    }
}
