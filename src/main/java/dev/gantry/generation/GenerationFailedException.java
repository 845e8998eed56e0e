package dev.gantry.generation;

/** The generation process answered, but could not draw: a checkpoint that does not fit its job's model (500). */
public class GenerationFailedException extends RuntimeException {

    public GenerationFailedException(String message) {
        super(message);
    }
}
