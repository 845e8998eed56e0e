package dev.gantry.training;

/** Optimizer of one network. Only {@code adam} exists; epsilon is fixed at 1e-8. */
public record OptimizerConfig(String type, double learningRate, double beta1, double beta2) {}
