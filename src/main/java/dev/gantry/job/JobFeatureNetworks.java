package dev.gantry.job;

/**
 * Resolves {@code evaluation.featureNetwork}: the id of an uploaded feature network a job may
 * evaluate with. The registry of uploaded networks implements it.
 */
public interface JobFeatureNetworks {

    /**
     * Called inside the submitting transaction, so an implementation may lock the network against
     * a concurrent delete.
     *
     * @throws InvalidRequestException naming {@code evaluation.featureNetwork} when the id names no
     *     network a job can use
     */
    void require(String featureNetwork);
}
