package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One side's loss: the total to back-propagate and each weighted part by name (the adversarial
 * loss first). Parts sum to the total.
 *
 * @param adaptiveWeights the coefficient each adaptive term was scaled by this step, by part name
 */
public record LossBreakdown(NDArray total, Map<String, NDArray> parts, Map<String, Double> adaptiveWeights) {}
