package dev.gantry.features;

import dev.gantry.storage.ObjectStore;
import dev.gantry.storage.SharedObjects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Module bytes in the object store, content-addressed: {@code feature-networks/<sha256>}. The same
 * module uploaded twice (with two descriptors, say) is stored once and deleted with the last row
 * naming it ({@link SharedObjects}).
 */
@Component
class FeatureNetworkObjects extends SharedObjects {

    static final String PREFIX = "feature-networks/";

    FeatureNetworkObjects(ObjectStore store, JdbcClient jdbc) {
        super(store, jdbc, "SELECT count(*) FROM feature_networks WHERE module_key = :key");
    }
}
