package dev.gantry.training.config;

/**
 * One invalid field of a {@link TrainingConfig}.
 *
 * @param field path in record-component names, e.g. {@code loss.terms[1].weight} or {@code
 *     generatorOptimizer.learningRate}
 */
public record ConfigViolation(String field, String message) {}
