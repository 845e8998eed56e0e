package dev.gantry.features;

/** A delete of a feature network an unfinished job names (409). */
public class FeatureNetworkInUseException extends RuntimeException {

    public FeatureNetworkInUseException(String message) {
        super(message);
    }
}
