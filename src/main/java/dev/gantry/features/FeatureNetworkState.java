package dev.gantry.features;

/** {@code PROCESSING} until a generation process has validated the module: {@code READY} or {@code FAILED}. */
public enum FeatureNetworkState {
    PROCESSING,
    READY,
    FAILED
}
