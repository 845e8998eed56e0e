package dev.gantry.job;

import dev.gantry.training.config.DataShape;

/** Resolves the {@code dataset} of a spec: a built-in name or the id of an uploaded dataset. */
public interface JobDatasets {

    /**
     * What the dataset holds. Called inside the submitting transaction, so an implementation may
     * lock the dataset against a concurrent delete.
     *
     * @throws InvalidRequestException naming the field {@code dataset} when it names no dataset a
     *     job can train on
     */
    DataShape require(String dataset);
}
