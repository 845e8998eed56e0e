package dev.gantry.generation.protocol;

import dev.gantry.training.config.TrainingConfig;

/**
 * One draw, from the server to a generation process. The checkpoint is named by job, step and
 * SHA-256, which is also the process's cache key; its bytes travel in the frame's body only when
 * the process does not hold that generator already.
 *
 * @param config the job's training config: the model to build and the data it was trained on
 * @param classIndex a class by index, or null
 * @param className a class by name, or null; the process resolves it against the checkpoint's
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
        SampleFormat format) {

    public String cacheKey() {
        return jobId + "/" + step + "/" + sha256;
    }
}
