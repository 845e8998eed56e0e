package dev.gantry.training.data;

/** The bytes are not an image tensor file this build can read; the message names what is wrong. */
public class InvalidImageTensorFileException extends IllegalArgumentException {

    public InvalidImageTensorFileException(String message) {
        super(message);
    }

    public InvalidImageTensorFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
