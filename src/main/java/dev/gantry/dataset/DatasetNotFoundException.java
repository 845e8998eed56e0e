package dev.gantry.dataset;

public class DatasetNotFoundException extends RuntimeException {

    public DatasetNotFoundException(String id) {
        super("No dataset with id or name '" + id + "'");
    }

    private DatasetNotFoundException(String message, Void unused) {
        super(message);
    }

    /** The dataset exists but has nothing to show here (a preview of points, or of a set not READY). */
    static DatasetNotFoundException nothingToShow(String message) {
        return new DatasetNotFoundException(message, null);
    }
}
