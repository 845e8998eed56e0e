package dev.gantry.features;

/** A module or descriptor past its limit (413), refused as it arrives. */
public class FeatureNetworkTooLargeException extends RuntimeException {

    public FeatureNetworkTooLargeException(String message) {
        super(message);
    }
}
