package dev.gantry.generation.protocol;

import java.util.List;

/**
 * A generation process's answer; the samples, when there are any, are the frame's body.
 *
 * @param field for {@link Kind#INVALID}, the request field at fault ({@code class})
 * @param message for {@link Kind#INVALID} and {@link Kind#FAILED}, what went wrong
 * @param ema for {@link Kind#OK}, whether the samples come from the generator's moving average
 * @param cached the cache keys ({@link GenerationRequest#cacheKey()}) the process holds after
 *     this request, so the server knows when to send a checkpoint's bytes
 */
public record GenerationReply(Kind kind, String field, String message, boolean ema, List<String> cached) {

    public enum Kind {
        /** The process has loaded libtorch and waits for requests; sent once, at start. */
        READY,
        OK,
        /** A request field does not fit the checkpoint, such as an unknown class name. */
        INVALID,
        /** The request named a checkpoint the process does not hold and carried no bytes. */
        MISSING_CHECKPOINT,
        /** The draw failed, such as a checkpoint that does not fit the job's model. */
        FAILED
    }

    public GenerationReply {
        cached = cached == null ? List.of() : List.copyOf(cached);
    }

    public static GenerationReply of(Kind kind, String message, List<String> cached) {
        return new GenerationReply(kind, null, message, false, cached);
    }
}
