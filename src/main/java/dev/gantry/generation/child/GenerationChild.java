package dev.gantry.generation.child;

import ai.djl.engine.Engine;
import ch.qos.logback.classic.Level;
import dev.gantry.generation.protocol.FeatureProbeReport;
import dev.gantry.generation.protocol.FeatureProbeRequest;
import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationReply.Kind;
import dev.gantry.generation.protocol.GenerationRequest;
import dev.gantry.generation.protocol.SampleFormat;
import dev.gantry.training.GeneratorSampler;
import dev.gantry.training.InvalidCheckpointException;
import dev.gantry.training.features.FeatureNetworkProbe;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generation process: a plain JVM (no Spring, no database) that the server starts beside its
 * workers. It loads libtorch once, then answers one request at a time from its stdin to its
 * stdout ({@link Frames}) until stdin ends, which is also how it learns that its server is gone,
 * even after a {@code kill -9}. Checkpoint bytes come from the server, so the process needs no
 * credentials and no configuration beyond its cache size.
 */
public final class GenerationChild {

    /** The argument that makes {@code GantryApplication} run this instead of Spring. */
    public static final String ROLE_ARGUMENT = "--gantry.role=generation";

    public static final String CACHE_SIZE_ARGUMENT = "--gantry.generation.cache-size=";
    public static final String INDEX_ARGUMENT = "--gantry.generation.index=";

    private static final Logger log = LoggerFactory.getLogger(GenerationChild.class);

    private final GeneratorCache cache;

    GenerationChild(GeneratorCache cache) {
        this.cache = cache;
    }

    public static boolean isRole(String[] args) {
        return List.of(args).contains(ROLE_ARGUMENT);
    }

    public static void main(String[] args) throws IOException {
        // stdout carries frames; anything a library prints must not land in them.
        FileOutputStream frames = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        System.setProperty("java.awt.headless", "true");
        // Without Spring, logback falls back to DEBUG for everything.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        int cacheSize = 4;
        for (String arg : args) {
            if (arg.startsWith(CACHE_SIZE_ARGUMENT)) {
                cacheSize = Integer.parseInt(arg.substring(CACHE_SIZE_ARGUMENT.length()));
            } else if (arg.startsWith(INDEX_ARGUMENT)) {
                // Its log lines interleave with the server's: the thread name says whose they are.
                Thread.currentThread().setName("gantry-generation-" + arg.substring(INDEX_ARGUMENT.length()));
            }
        }
        // Load libtorch before saying READY: a process that cannot is seen at start, not at a request.
        String engine = Engine.getInstance().getEngineName() + " "
                + Engine.getInstance().getVersion();
        try (GeneratorCache cache = new GeneratorCache(cacheSize)) {
            new GenerationChild(cache)
                    .serve(
                            new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in))),
                            new DataOutputStream(new BufferedOutputStream(frames)),
                            engine);
        }
        System.exit(0);
    }

    void serve(DataInputStream in, DataOutputStream out, String engine) throws IOException {
        Frames.write(out, GenerationReply.of(Kind.READY, engine, List.of()), new byte[0]);
        log.info("Generation process {} ready ({})", ProcessHandle.current().pid(), engine);
        while (true) {
            Frames.Frame<GenerationRequest> frame;
            try {
                frame = Frames.read(in, GenerationRequest.class);
            } catch (EOFException e) {
                log.info("Server closed the channel; generation process exits");
                return;
            }
            Answer answer = answer(frame.header(), frame.body());
            Frames.write(out, answer.reply(), answer.body());
        }
    }

    record Answer(GenerationReply reply, byte[] body) {}

    Answer answer(GenerationRequest request, byte[] body) {
        if (request.probe() != null) {
            return probe(request.probe(), body);
        }
        int inputBytes = request.inputBytes();
        if (inputBytes > body.length) {
            return new Answer(
                    failure(Kind.FAILED, null, "the frame holds fewer input bytes than its shape"), new byte[0]);
        }
        byte[] checkpoint = Arrays.copyOf(body, body.length - inputBytes);
        try {
            GeneratorSampler sampler = cache.get(request.cacheKey());
            if (sampler == null) {
                if (checkpoint.length == 0) {
                    return new Answer(failure(Kind.MISSING_CHECKPOINT, null, request.cacheKey()), new byte[0]);
                }
                sampler = GeneratorSampler.load(request.config(), checkpoint);
                cache.put(request.cacheKey(), sampler);
            }
            if (request.inputShape() != null) {
                float[] input = new float[inputBytes / 4];
                ByteBuffer.wrap(body, checkpoint.length, inputBytes)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(input);
                long[] shape = request.inputShape().stream()
                        .mapToLong(Integer::longValue)
                        .toArray();
                GeneratorSampler.Samples upscaled = sampler.upscale(input, shape);
                byte[] out = request.format() == SampleFormat.PNG
                        ? sampler.imagePng(upscaled)
                        : Npy.float32(upscaled.values(), upscaled.shape());
                return new Answer(new GenerationReply(Kind.OK, null, null, sampler.usesEma(), cache.keys()), out);
            }
            Integer classIndex;
            try {
                classIndex = ClassChoice.index(request.classIndex(), request.className(), sampler.classNames());
            } catch (IllegalArgumentException e) {
                return new Answer(failure(Kind.INVALID, "class", e.getMessage()), new byte[0]);
            }
            GeneratorSampler.Samples samples = sampler.sample(request.count(), request.seed(), classIndex);
            byte[] answer = switch (request.format()) {
                case PNG -> sampler.png(samples);
                case NPY -> Npy.float32(samples.values(), samples.shape());
                case JSON -> PointsJson.of(request.step(), request.seed(), samples);
            };
            return new Answer(new GenerationReply(Kind.OK, null, null, sampler.usesEma(), cache.keys()), answer);
        } catch (InvalidCheckpointException e) {
            log.warn("Checkpoint {} cannot be sampled: {}", request.cacheKey(), e.getMessage());
            return new Answer(failure(Kind.FAILED, null, e.getMessage()), new byte[0]);
        } catch (IllegalArgumentException e) {
            log.warn("Generation refused for {}: {}", request.cacheKey(), e.getMessage());
            return new Answer(failure(Kind.FAILED, null, e.getMessage()), new byte[0]);
        } catch (RuntimeException e) {
            log.error("Generation failed for {}", request.cacheKey(), e);
            return new Answer(failure(Kind.FAILED, null, e.getClass().getSimpleName()), new byte[0]);
        }
    }

    /** A feature network's validation; a module that cannot be used is a FAILED answer, not a crash. */
    private Answer probe(FeatureProbeRequest probe, byte[] module) {
        String name = probe.descriptor().name();
        try {
            FeatureNetworkProbe.Result result = FeatureNetworkProbe.run(module, probe.descriptor(), probe.sides());
            if (result.failure() != null) {
                log.info("Feature network {} refused: {}", name, result.failure());
                return new Answer(failure(Kind.FAILED, null, result.failure()), new byte[0]);
            }
            log.info("Feature network {} validated: {}", name, result.probes());
            return new Answer(
                    new GenerationReply(Kind.OK, null, null, false, cache.keys()),
                    Frames.json(new FeatureProbeReport(result.probes(), result.parameters())));
        } catch (RuntimeException e) {
            log.warn("Validating feature network {} failed", name, e);
            return new Answer(
                    failure(
                            Kind.FAILED,
                            null,
                            "the validation failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()),
                    new byte[0]);
        }
    }

    private GenerationReply failure(Kind kind, String field, String message) {
        return new GenerationReply(kind, field, message, false, cache.keys());
    }
}
