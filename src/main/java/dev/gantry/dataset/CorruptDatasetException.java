package dev.gantry.dataset;

/** The stored tensor of a dataset is not the one recorded: another size or SHA-256, or unreadable. */
public class CorruptDatasetException extends RuntimeException {

    public CorruptDatasetException(String id, String what) {
        super("The stored tensor of dataset " + id + " is corrupt: " + what);
    }
}
