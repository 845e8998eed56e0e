package dev.gantry.dataset;

public enum DatasetState {
    PROCESSING,
    READY,
    FAILED
}
