package dev.gantry.generation.export;

/** A file that is not valid safetensors; {@link #problem()} names the check it failed. */
public class InvalidSafeTensorsException extends RuntimeException {

    /** The checks of huggingface/safetensors {@code tensor.rs}, by the names of its errors. */
    public enum Problem {
        /** Fewer than the 8 bytes of the header length. */
        HEADER_TOO_SMALL,
        /** A header length over 100 MB. */
        HEADER_TOO_LARGE,
        /** A header length that runs past the end of the file. */
        INVALID_HEADER_LENGTH,
        /** A header that is not UTF-8. */
        INVALID_HEADER,
        /** A header that does not start with an opening brace. */
        INVALID_HEADER_START,
        /** A header that is not JSON of the expected shape (types, fields, duplicate keys, a dtype). */
        INVALID_HEADER_DESERIALIZATION,
        /** Tensors that do not follow one another from offset 0, without gap or overlap. */
        INVALID_OFFSET,
        /** A shape whose element or byte count overflows. */
        VALIDATION_OVERFLOW,
        /** Offsets that do not span shape × dtype size bytes. */
        TENSOR_INVALID_INFO,
        /** Data that does not end exactly where the file ends. */
        METADATA_INCOMPLETE_BUFFER
    }

    private final Problem problem;

    public InvalidSafeTensorsException(Problem problem, String message) {
        super(problem + ": " + message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
