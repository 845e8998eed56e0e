package dev.gantry.dataset;

/** The dataset cannot be deleted: a job that has not finished uses it. Answered 409. */
public class DatasetInUseException extends RuntimeException {

    public DatasetInUseException(String message) {
        super(message);
    }
}
