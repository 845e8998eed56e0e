package dev.gantry.training;

import dev.gantry.training.model.TensorData;
import java.util.Map;

/**
 * Everything an {@link AdamOptimizer} carries between updates.
 *
 * @param updates updates applied so far (t in the bias corrections)
 * @param means first moments by parameter name
 * @param variances second moments by parameter name
 */
public record AdamState(long updates, Map<String, TensorData> means, Map<String, TensorData> variances) {}
