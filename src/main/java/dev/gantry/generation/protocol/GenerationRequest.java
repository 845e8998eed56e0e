package dev.gantry.generation.protocol;

import dev.gantry.training.config.TrainingConfig;
import java.util.List;

/**
 * One draw, from the server to a generation process. The checkpoint is named by job, step and
 * SHA-256, which is also the process's cache key; its bytes travel in the frame's body only when
 * the process does not hold that generator already.
 *
 * <p>Or, with {@code probe} set, the validation of an uploaded feature network ({@link
 * #probe(FeatureProbeRequest)}): the body is the module's bytes, and the other fields are unused.
 *
 * @param config the job's training config: the model to build and the data it was trained on
 * @param classIndex a class by index, or null
 * @param className a class by name, or null; the process resolves it against the checkpoint's
 * @param inputShape for a super-resolution generator, the shape (n, C, h, w) of the low-resolution
 *     images to upscale, whose float32 values (little-endian) follow the checkpoint's bytes in the
 *     frame's body; null for a draw from latents
 */
public record GenerationRequest(
        String jobId,
        long step,
        String sha256,
        TrainingConfig config,
        int count,
        long seed,
        Integer classIndex,
        String className,
        SampleFormat format,
        List<Integer> inputShape,
        FeatureProbeRequest probe) {

    /** A draw from latents. */
    public GenerationRequest(
            String jobId,
            long step,
            String sha256,
            TrainingConfig config,
            int count,
            long seed,
            Integer classIndex,
            String className,
            SampleFormat format) {
        this(jobId, step, sha256, config, count, seed, classIndex, className, format, null, null);
    }

    /** The validation of a feature network, whose module is the frame's body. */
    public static GenerationRequest probe(FeatureProbeRequest probe) {
        return new GenerationRequest(null, 0, null, null, 0, 0, null, null, null, null, probe);
    }

    /** Bytes of the input images at the end of the body; 0 for a draw. */
    public int inputBytes() {
        if (inputShape == null) {
            return 0;
        }
        int n = 4;
        for (int d : inputShape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String cacheKey() {
        return jobId + "/" + step + "/" + sha256;
    }
}
