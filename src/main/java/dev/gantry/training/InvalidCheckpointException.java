package dev.gantry.training;

/**
 * The bytes are not a checkpoint this run can use: corrupt, of an unknown format version, or of a
 * different model. The message names what differs.
 */
public class InvalidCheckpointException extends IllegalArgumentException {

    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
