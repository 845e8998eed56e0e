package dev.gantry.generation.export;

import dev.gantry.training.config.DataConfig;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code manifest.json} of an export: everything needed to rebuild the generator outside Gantry
 * ({@code scripts/export/gantry_models.py}'s {@code build(manifest)} reads {@code model}) and to
 * feed and read it as Gantry does.
 *
 * @param format always {@value #FORMAT}; {@code formatVersion} grows when fields change meaning
 * @param ema true when the weights are the run's moving average of the generator, which is what
 *     Gantry samples from; false when the run keeps none and they are the generator's own
 * @param model every field of the job's model, with the spec's names ({@code hiddenUnits} …), and
 *     the data's {@code resolution} and {@code channels} and the number of {@code classes}: the flat
 *     dict {@code gantry_models.build} takes
 * @param modelSignature Gantry's own name for the network's shape, as in the checkpoint
 */
public record ExportManifest(
        String format,
        int formatVersion,
        String gantryVersion,
        String jobId,
        String jobName,
        long step,
        boolean ema,
        String architecture,
        JsonNode model,
        Data data,
        Latent latent,
        Output output,
        List<String> classNames,
        Weights weights,
        String modelSignature) {

    public static final String FORMAT = "gantry-generator";
    public static final int FORMAT_VERSION = 1;

    /**
     * @param kind {@code images} or {@code points}
     * @param resolution image side in pixels; 0 for points
     * @param channels 1 or 3 for images; 0 for points
     */
    public record Data(String dataset, String kind, int resolution, int channels) {
        static Data of(DataConfig data) {
            return new Data(data.dataset(), data.images() ? "images" : "points", data.resolution(), data.channels());
        }
    }

    /**
     * @param dim latent size; the generator takes float32 latents of shape (n, dim)
     * @param distribution how Gantry draws them
     * @param conditional true when the generator also takes int64 class labels of shape (n,)
     */
    public record Latent(int dim, String distribution, boolean conditional) {}

    /** @param shape one sample's shape; a batch is (n, …shape) */
    public record Output(List<Long> shape, String normalization) {}

    /**
     * @param file the weights' file in the export
     * @param sha256 of that file's bytes
     * @param tensors names in the file, each a {@code state_dict} key of the PyTorch module
     */
    public record Weights(String file, String sha256, String dtype, List<String> tensors) {}
}
