package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * One side's loss: the total to back-propagate and each weighted part by name (the adversarial
 * loss first). Parts sum to the total.
 */
public record LossBreakdown(NDArray total, Map<String, NDArray> parts) {}
