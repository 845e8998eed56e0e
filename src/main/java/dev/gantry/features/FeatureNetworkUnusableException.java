package dev.gantry.features;

/** A job names a feature network that does not exist or is not {@code READY}; the message is for the spec's field. */
public class FeatureNetworkUnusableException extends RuntimeException {

    public FeatureNetworkUnusableException(String message) {
        super(message);
    }
}
