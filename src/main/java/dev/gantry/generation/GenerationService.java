package dev.gantry.generation;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.generation.child.Npy;
import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationRequest;
import dev.gantry.generation.protocol.SampleFormat;
import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.Job;
import dev.gantry.job.JobConflictException;
import dev.gantry.job.JobService;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.training.Latents;
import dev.gantry.training.config.TrainingConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * {@code generate}: checks the request against the job, picks the checkpoint, and hands the draw
 * to a generation process. Everything a client can get wrong is found here, before any process is
 * asked, except a class name, which only the checkpoint knows.
 */
@Service
public class GenerationService {

    public static final int DEFAULT_COUNT = 64;
    public static final int MAX_COUNT = 1024;

    private static final SecureRandom SEEDS = new SecureRandom();

    private final JobService jobs;
    private final Artifacts artifacts;
    private final ObjectProvider<GenerationProcesses> processes;

    GenerationService(JobService jobs, Artifacts artifacts, ObjectProvider<GenerationProcesses> processes) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.processes = processes;
    }

    /** What {@code generate} can answer for a job: images or 2-D points. */
    public record Target(Job job, TrainingConfig config) {
        public boolean images() {
            return config.data().images();
        }
    }

    /**
     * @param count null for {@link #DEFAULT_COUNT}
     * @param seed null for a random one, which the answer reports
     * @param step null for the latest checkpoint, {@code best}, or a step in digits
     * @param classValue a class index, a class name, or null
     */
    public record Command(Integer count, Long seed, String step, JsonNode classValue) {}

    /** Samples as the client asked for them, with what reproduces them. */
    public record Generated(byte[] body, SampleFormat format, long seed, long step, boolean ema) {}

    /** @throws dev.gantry.job.JobNotFoundException for an unknown job */
    public Target target(UUID jobId) {
        Job job = jobs.get(jobId);
        return new Target(job, TrainingConfigs.from(job.spec()));
    }

    /**
     * The latents a draw of {@code count} samples from {@code seed} feeds the generator, as a
     * float32 NPY of shape (count, latentDim): what {@code scripts/export/load_generator.py} needs
     * to reproduce Gantry's samples from an export. No process is involved.
     */
    public byte[] latents(Target target, int count, long seed) {
        List<FieldError> errors = new ArrayList<>();
        if (count < 1 || count > MAX_COUNT) {
            errors.add(new FieldError("count", "must be between 1 and " + MAX_COUNT));
        }
        if (seed < 0) {
            errors.add(new FieldError("seed", "must be between 0 and " + Long.MAX_VALUE));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        int dim = target.config().model().latentDim();
        return Npy.float32(Latents.draw(seed, count, dim), new long[] {count, dim});
    }

    /**
     * A super-resolution job's generator applied to one low-resolution image (PNG or JPEG bytes),
     * by the latest checkpoint, {@code best}, or a step in digits.
     */
    public Generated upscale(Target target, byte[] image, String step, SampleFormat format) {
        UUID jobId = target.job().id();
        UpscaleInput input = UpscaleInput.decode(image, target.config().data().channels());
        Artifact checkpoint = CheckpointChoice.resolve(artifacts, target.job(), step);
        GenerationProcesses pool = processes.getIfAvailable();
        if (pool == null) {
            throw new GenerationUnavailableException(
                    "Generation is turned off on this server (gantry.generation.local-count is 0)", null);
        }
        GenerationRequest request = new GenerationRequest(
                jobId.toString(),
                checkpoint.step(),
                checkpoint.sha256(),
                target.config(),
                1,
                0,
                null,
                null,
                format,
                List.of(1, input.channels(), input.height(), input.width()),
                null);
        ByteBuffer bytes = ByteBuffer.allocate(input.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(input.values());
        long at = checkpoint.step();
        Frames.Frame<GenerationReply> reply =
                pool.generate(request, () -> artifacts.read(ArtifactKind.CHECKPOINT, jobId, at), bytes.array());
        GenerationReply answer = reply.header();
        if (answer.kind() != GenerationReply.Kind.OK) {
            throw new GenerationFailedException(
                    "Upscaling with the checkpoint at step " + at + " failed: " + answer.message());
        }
        return new Generated(reply.body(), format, 0, at, answer.ema());
    }

    public Generated generate(Target target, Command command, SampleFormat format) {
        List<FieldError> errors = new ArrayList<>();
        int count = command.count() == null ? DEFAULT_COUNT : command.count();
        if (count < 1 || count > MAX_COUNT) {
            errors.add(new FieldError("count", "must be between 1 and " + MAX_COUNT));
        }
        if (command.seed() != null && command.seed() < 0) {
            errors.add(new FieldError("seed", "must be between 0 and " + Long.MAX_VALUE));
        }
        Integer classIndex = null;
        String className = null;
        JsonNode classValue = command.classValue();
        if (classValue != null && !classValue.isNull()) {
            if (!target.config().model().conditional()) {
                errors.add(new FieldError(
                        "class", "the job's model is unconditional (model.conditional is false); it takes no class"));
            } else if (classValue.isString()) {
                className = classValue.asString();
            } else if (classValue.isIntegralNumber() && classValue.canConvertToInt()) {
                classIndex = classValue.asInt();
            } else {
                errors.add(
                        new FieldError("class", "must be a class index (a whole number) or a class name (a string)"));
            }
        }
        UUID jobId = target.job().id();
        Artifact checkpoint = null;
        try {
            checkpoint = CheckpointChoice.resolve(artifacts, target.job(), command.step());
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
        } catch (JobConflictException e) {
            // Bad fields first: they are wrong whatever the job's state.
            if (errors.isEmpty()) {
                throw e;
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        long seed = command.seed() != null ? command.seed() : SEEDS.nextLong(1L << 53);
        GenerationProcesses pool = processes.getIfAvailable();
        if (pool == null) {
            throw new GenerationUnavailableException(
                    "Generation is turned off on this server (gantry.generation.local-count is 0)", null);
        }
        long step = checkpoint.step();
        GenerationRequest request = new GenerationRequest(
                jobId.toString(),
                checkpoint.step(),
                checkpoint.sha256(),
                target.config(),
                count,
                seed,
                classIndex,
                className,
                format);
        Frames.Frame<GenerationReply> reply =
                pool.generate(request, () -> artifacts.read(ArtifactKind.CHECKPOINT, jobId, step));
        GenerationReply answer = reply.header();
        return switch (answer.kind()) {
            case OK -> new Generated(reply.body(), format, seed, step, answer.ema());
            case INVALID ->
                throw new InvalidRequestException(List.of(new FieldError(answer.field(), answer.message())));
            default ->
                throw new GenerationFailedException(
                        "Generation from the checkpoint at step " + step + " failed: " + answer.message());
        };
    }
}
