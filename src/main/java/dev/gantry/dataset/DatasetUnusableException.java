package dev.gantry.dataset;

/**
 * A job names a dataset it cannot train on: none with that id or name, or one still processing or
 * failed. The job API answers it as a 400 naming the spec's {@code dataset} field.
 */
public class DatasetUnusableException extends RuntimeException {

    public DatasetUnusableException(String message) {
        super(message);
    }
}
