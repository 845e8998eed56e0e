package dev.gantry.storage;

/** A key that breaks the rules of {@link ObjectStore}; the message names the problem. */
public class InvalidObjectKeyException extends IllegalArgumentException {

    public InvalidObjectKeyException(String message) {
        super(message);
    }
}
