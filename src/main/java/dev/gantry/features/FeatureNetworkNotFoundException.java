package dev.gantry.features;

/** No feature network with this id (404). */
public class FeatureNetworkNotFoundException extends RuntimeException {

    public FeatureNetworkNotFoundException(String id) {
        super("No feature network " + (id == null || id.length() <= 64 ? id : id.substring(0, 64) + "…"));
    }
}
