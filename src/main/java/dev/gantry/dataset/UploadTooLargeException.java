package dev.gantry.dataset;

/** An upload over {@code gantry.datasets.max-upload-bytes}, stopped as its bytes arrived; answered 413. */
public class UploadTooLargeException extends RuntimeException {

    private final long maxBytes;

    public UploadTooLargeException(long maxBytes) {
        super("The upload is larger than gantry.datasets.max-upload-bytes (" + maxBytes + " bytes)");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
