package dev.gantry.worker;

import dev.gantry.training.eval.FeatureExtractor;

/**
 * Loads the feature network a job names in {@code evaluation.featureNetwork}, in the worker
 * process, for the run's evaluation: the one call through which uploaded networks reach FID, KID
 * and precision/recall.
 */
interface FeatureNetworkLoader {

    /** @throws IllegalStateException when the network cannot be loaded; the job fails with the reason */
    FeatureExtractor load(String featureNetwork);
}
