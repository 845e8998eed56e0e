package dev.gantry.generation.export;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.generation.CheckpointChoice;
import dev.gantry.generation.GenerationFailedException;
import dev.gantry.job.Job;
import dev.gantry.job.JobService;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.training.Checkpoint;
import dev.gantry.training.InvalidCheckpointException;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.TensorData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Service;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code export}: a checkpoint's generator as a zip of {@code generator.safetensors} and {@code
 * manifest.json}. It runs in the API process: a checkpoint is plain bytes and so is a safetensors
 * file, so no libtorch is involved (the architecture test keeps it that way), and an export
 * works while every generation process is busy. The same checkpoint always gives the same zip:
 * entries carry the checkpoint's time, not the clock's.
 */
@Service
public class GeneratorExport {

    public static final String WEIGHTS_FILE = "generator.safetensors";
    public static final String MANIFEST_FILE = "manifest.json";

    static final String IMAGE_NORMALIZATION =
            "tanh output in [-1, 1]; pixel = (x + 1) * 127.5, rounded and clipped to [0, 255]; channels first (C, H, W)";
    static final String POINT_NORMALIZATION = "none: 2-D points in the dataset's own coordinates (linear output)";
    static final String LATENT_DISTRIBUTION = "standard normal N(0, I), float32, shape (n, dim); for a seed, Gantry"
            + " draws them row-major as (float) java.util.SplittableRandom(seed).nextGaussian()";

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final JobService jobs;
    private final Artifacts artifacts;
    private final String version;

    GeneratorExport(JobService jobs, Artifacts artifacts, ObjectProvider<BuildProperties> build) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties != null ? properties.getVersion() : "unknown";
    }

    /** A zip and the name to save it under. */
    public record Export(String fileName, byte[] zip) {}

    /**
     * @param step null for the latest checkpoint, {@code best}, or a step in digits
     * @throws dev.gantry.job.JobNotFoundException for an unknown job (404)
     */
    public Export export(UUID jobId, String step) {
        Job job = jobs.get(jobId);
        TrainingConfig config = TrainingConfigs.from(job.spec());
        Artifact artifact = CheckpointChoice.resolve(artifacts, job, step);
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.decode(artifacts.read(ArtifactKind.CHECKPOINT, jobId, artifact.step()));
        } catch (InvalidCheckpointException e) {
            throw new GenerationFailedException(
                    "Export of the checkpoint at step " + artifact.step() + " failed: " + e.getMessage());
        }
        boolean ema = !checkpoint.generatorEma().isEmpty();
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : (ema ? checkpoint.generatorEma() : checkpoint.generator()).entrySet()) {
            tensors.put(
                    e.getKey(),
                    SafeTensors.Tensor.f32(e.getValue().shape(), e.getValue().values()));
        }
        byte[] weights = SafeTensors.write(
                tensors,
                Map.of(
                        "format", "pt",
                        "producer", "Gantry " + version,
                        "content",
                                "generator state_dict" + (ema ? " (moving average)" : "")
                                        + ", float32 little-endian; see manifest.json, load with"
                                        + " scripts/export/load_generator.py"));
        List<String> classNames = config.model().conditional() ? checkpoint.classNames() : List.of();
        List<Long> sampleShape = new ArrayList<>();
        for (long d : config.data().sampleShape()) {
            sampleShape.add(d);
        }
        ExportManifest manifest = new ExportManifest(
                ExportManifest.FORMAT,
                ExportManifest.FORMAT_VERSION,
                version,
                jobId.toString(),
                job.name(),
                checkpoint.step(),
                ema,
                config.model().architecture(),
                buildFields(config, classNames.size()),
                ExportManifest.Data.of(config.data()),
                new ExportManifest.Latent(
                        config.model().latentDim(),
                        LATENT_DISTRIBUTION,
                        config.model().conditional()),
                new ExportManifest.Output(
                        sampleShape, config.data().images() ? IMAGE_NORMALIZATION : POINT_NORMALIZATION),
                classNames,
                new ExportManifest.Weights(
                        WEIGHTS_FILE,
                        sha256(weights),
                        "F32",
                        tensors.keySet().stream().sorted().toList()),
                checkpoint.modelSignature());
        FileTime time = FileTime.from(artifact.createdAt());
        ByteArrayOutputStream zip = new ByteArrayOutputStream(weights.length + 4096);
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            entry(out, MANIFEST_FILE, JSON.writeValueAsBytes(manifest), time);
            entry(out, WEIGHTS_FILE, weights, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Export("gantry-" + jobId + "-step-" + checkpoint.step() + ".zip", zip.toByteArray());
    }

    /**
     * The model's fields (every one, also those added later) with the data's resolution and
     * channels, the class count and a super-resolution generator's scale: what {@code
     * gantry_models.build} reads.
     */
    private static ObjectNode buildFields(TrainingConfig config, int classes) {
        ObjectNode fields = JSON.valueToTree(config.model());
        fields.put("resolution", config.data().resolution());
        fields.put("channels", config.data().channels());
        fields.put("classes", classes);
        if (config.task().superResolution()) {
            fields.put("scale", config.task().scale());
        }
        return fields;
    }

    private static void entry(ZipOutputStream out, String name, byte[] bytes, FileTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(time);
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
