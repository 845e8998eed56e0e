package dev.gantry.training.eval;

/**
 * What a run's evaluation may use beyond the run itself.
 *
 * @param featureExtractor the job's feature network, or {@code null}: image jobs then get the
 *     pixel statistics only
 * @param referenceCache where reference features are kept across runs
 */
public record EvaluationSetup(FeatureExtractor featureExtractor, ReferenceCache referenceCache) {

    /** No feature network, nothing cached. */
    public static final EvaluationSetup NONE = new EvaluationSetup(null, ReferenceCache.NONE);
}
