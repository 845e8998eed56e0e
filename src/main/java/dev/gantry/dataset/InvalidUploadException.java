package dev.gantry.dataset;

/**
 * An upload refused before anything of it was kept: answered 400 naming the request field at
 * fault ({@code file}, {@code name}, {@code format}, …).
 */
public class InvalidUploadException extends RuntimeException {

    private final String field;

    public InvalidUploadException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
