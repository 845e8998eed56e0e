package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.generation.child.Npy;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * The whole way out of Gantry, on real parts: a job trained by a worker process, samples drawn by
 * the generation process (while the only worker is busy with another job), the generator
 * exported, rebuilt by {@code scripts/export/load_generator.py} in PyTorch (Debian's {@code
 * python3-torch}) and run on the latents (and classes) Gantry drew for the same seed: its samples
 * equal Gantry's within float32 tolerance, for 2-D points and for a conditional DCGAN's images.
 * Skipped, saying why, where that Python is missing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.worker.jvm-options=-Xmx384m",
            "gantry.generation.local-count=1",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class ExportToPyTorchTest {

    /** Debian's Python with python3-torch; {@code -Dgantry.test.python=…} points elsewhere. */
    static final String PYTHON = System.getProperty("gantry.test.python", "/usr/bin/python3");

    static final Path SCRIPT = Path.of("scripts/export/load_generator.py");

    /**
     * Relative to max(|gantry|, 1). libtorch 2.7 and torch 1.13 may sum a dot product in another
     * order; measured differences for this net are around 1e-7.
     */
    static final double TOLERANCE = 1e-5;

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @Autowired
    GenerationProcesses processes;

    /** Why this machine cannot run the script, or null; probed once. */
    private static String missingPython;

    private static boolean probed;

    /**
     * Each test checks, so that a machine without the Python side reports both as skipped, with the
     * reason, rather than a class with no tests.
     */
    @BeforeEach
    void needsPythonWithTorch() throws Exception {
        synchronized (ExportToPyTorchTest.class) {
            if (!probed) {
                probed = true;
                if (!Files.isExecutable(Path.of(PYTHON))) {
                    missingPython = PYTHON + " is missing (apt-get install python3-torch python3-numpy)";
                } else {
                    Result probe = run(List.of(PYTHON, "-c", "import torch, numpy"));
                    if (probe.exit() != 0) {
                        missingPython = PYTHON + " cannot import torch and numpy (apt-get install python3-torch"
                                + " python3-numpy): " + probe.output().strip();
                    }
                }
                if (missingPython != null) {
                    System.out.println("SKIPPED ExportToPyTorchTest: " + missingPython);
                }
            }
        }
        Assumptions.assumeTrue(missingPython == null, () -> "load_generator.py cannot run: " + missingPython);
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    private Result loadGenerator(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        command.addAll(List.of(args));
        Result result = run(command);
        System.out.println(
                "load_generator.py " + String.join(" ", args) + " → " + result.exit() + "\n" + result.output());
        return result;
    }

    @Test
    void pytorch_rebuilds_the_exported_generator_and_draws_what_gantry_draws() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "export-to-pytorch", "dataset": "grid25",
                         "model": {"hiddenUnits": 64, "hiddenLayers": 3},
                         "training": {"steps": 300, "batchSize": 64, "seed": 21, "emaDecay": 0.99},
                         "checkpoints": {"everySteps": 100}, "evaluation": {"everySteps": 300, "samples": 200}}
                        """).json().get("id").asString();
        Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(3));

        // The only worker is now busy with another job; generation does not need it.
        String busy = http.post("/api/v1/jobs", """
                        {"name": "keeps-the-worker-busy", "dataset": "ring8",
                         "training": {"steps": 1000000, "seed": 2},
                         "checkpoints": {"everySteps": 1000000}, "evaluation": {"everySteps": 1000000}}
                        """).json().get("id").asString();
        Jobs.awaitState(http, busy, "RUNNING", Duration.ofMinutes(2));
        Conditions.awaitGenerationReady(processes);
        try {
            int count = 64;
            long seed = 1234;
            Http.Response drawn = http.post(
                    "/api/v1/jobs/" + id + "/generate",
                    "{\"count\": %d, \"seed\": %d}".formatted(count, seed),
                    Map.of("Accept", "application/x-npy"));
            assertThat(drawn.status()).isEqualTo(200);
            assertThat(drawn.header("X-Gantry-Ema")).isEqualTo("true");
            assertThat(http.get("/api/v1/jobs/" + busy).json().get("state").asString())
                    .isEqualTo("RUNNING");
            NpyArrays.Array gantry = NpyArrays.read(drawn.bytes());

            Http.Response export = http.get("/api/v1/jobs/" + id + "/export");
            assertThat(export.status()).isEqualTo(200);
            Path zip = dir.resolve("export.zip");
            Files.write(zip, export.bytes());
            JsonNode manifest =
                    Http.parse(new String(unzip(export.bytes()).get("manifest.json"), StandardCharsets.UTF_8));
            int dim = manifest.at("/latent/dim").asInt();
            Path z = dir.resolve("z.npy");
            Http.Response latents = http.get("/api/v1/jobs/" + id + "/latents?count=" + count + "&seed=" + seed);
            assertThat(latents.status()).isEqualTo(200);
            assertThat(NpyArrays.read(latents.bytes()).shape()).containsExactly(count, dim);
            Files.write(z, latents.bytes());

            Path out = dir.resolve("x.npy");
            Result result = loadGenerator(zip.toString(), "--latents", z.toString(), "--out", out.toString());
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("mlp generator of job " + id + " at step 300 (moving average)");
            NpyArrays.Array pytorch = NpyArrays.read(Files.readAllBytes(out));

            assertThat(pytorch.shape()).containsExactly(count, 2);
            assertClose(pytorch, gantry, "mlp");

            // The two files, unzipped, load the same.
            Path unzipped = Files.createDirectory(dir.resolve("unzipped"));
            for (Map.Entry<String, byte[]> e : unzip(export.bytes()).entrySet()) {
                Files.write(unzipped.resolve(e.getKey()), e.getValue());
            }
            Path again = dir.resolve("again.npy");
            Result files = loadGenerator(
                    unzipped.resolve("manifest.json").toString(),
                    unzipped.resolve("generator.safetensors").toString(),
                    "--latents",
                    z.toString(),
                    "--out",
                    again.toString());
            assertThat(files.exit()).as(files.output()).isZero();
            assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
        } finally {
            http.post("/api/v1/jobs/" + busy + "/cancel", null);
        }
    }

    private static void assertClose(NpyArrays.Array pytorch, NpyArrays.Array gantry, String what) {
        assertThat(pytorch.shape()).isEqualTo(gantry.shape());
        double worst = 0;
        for (int i = 0; i < gantry.values().length; i++) {
            float g = gantry.values()[i];
            worst = Math.max(worst, Math.abs(pytorch.values()[i] - g) / Math.max(Math.abs(g), 1));
        }
        System.out.printf(
                "PyTorch against Gantry, %s, %d values: largest relative difference %.3g%n",
                what, gantry.values().length, worst);
        assertThat(worst).isLessThanOrEqualTo(TOLERANCE);
    }

    /**
     * Images and classes: a conditional DCGAN (batch-norm running statistics, class embeddings in
     * its conditional batch norm, the moving average) drawn by class name, by index and cycling
     * through the classes, each against PyTorch given Gantry's latents and labels.
     */
    @Test
    void a_conditional_dcgan_is_rebuilt_in_pytorch_and_draws_gantrys_images_class_by_class() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "dcgan-to-pytorch", "dataset": "digits", "data": {"resolution": 32, "channels": 1},
                         "model": {"architecture": "dcgan", "width": 8, "conditional": true, "latentDim": 16},
                         "training": {"steps": 30, "batchSize": 16, "seed": 3, "emaDecay": 0.9},
                         "checkpoints": {"everySteps": 30}, "evaluation": {"everySteps": 30, "samples": 100}}
                        """).json().get("id").asString();
        Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(5));
        Conditions.awaitGenerationReady(processes);
        Path zip = dir.resolve("dcgan.zip");
        Files.write(zip, http.get("/api/v1/jobs/" + id + "/export").bytes());
        int count = 12;
        long seed = 5;
        Path z = dir.resolve("z16.npy");
        Files.write(
                z,
                http.get("/api/v1/jobs/" + id + "/latents?count=" + count + "&seed=" + seed)
                        .bytes());

        Map<String, long[]> draws = new java.util.LinkedHashMap<>();
        draws.put("\"class\": \"3\"", filled(count, 3));
        draws.put("\"class\": 7", filled(count, 7));
        long[] cycling = new long[count];
        for (int i = 0; i < count; i++) {
            cycling[i] = i % 10;
        }
        draws.put("\"step\": 30", cycling);
        for (Map.Entry<String, long[]> draw : draws.entrySet()) {
            Http.Response drawn = http.post(
                    "/api/v1/jobs/" + id + "/generate",
                    "{\"count\": %d, \"seed\": %d, %s}".formatted(count, seed, draw.getKey()),
                    Map.of("Accept", "application/x-npy"));
            assertThat(drawn.status()).as(draw.getKey()).isEqualTo(200);
            assertThat(drawn.header("X-Gantry-Ema")).isEqualTo("true");
            NpyArrays.Array gantry = NpyArrays.read(drawn.bytes());
            assertThat(gantry.shape()).containsExactly(count, 1, 32, 32);

            Path y = dir.resolve("y.npy");
            Files.write(y, NpyArrays.int64(draw.getValue()));
            Path out = dir.resolve("x-images.npy");
            Result result = loadGenerator(
                    zip.toString(), "--latents", z.toString(), "--labels", y.toString(), "--out", out.toString());
            assertThat(result.exit()).as(result.output()).isZero();
            assertClose(NpyArrays.read(Files.readAllBytes(out)), gantry, "conditional dcgan, " + draw.getKey());
        }

        Http.Response png = http.post("/api/v1/jobs/" + id + "/generate", "{\"count\": 20}", Map.of());
        assertThat(png.contentType()).isEqualTo("image/png");
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        // 8 columns, 3 rows of 32-pixel images with a 2-pixel gap.
        assertThat(grid.getWidth()).isEqualTo(8 * 34 + 2);
        assertThat(grid.getHeight()).isEqualTo(3 * 34 + 2);
        Http.Response json = http.post("/api/v1/jobs/" + id + "/generate", "{}", Map.of("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(406);
        assertThat(json.json().get("detail").asString()).contains("image/png", "application/x-npy");
        Http.Response unknown =
                http.post("/api/v1/jobs/" + id + "/generate", "{\"class\": \"eleven\"}", Map.of("Accept", "image/png"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/errors/0/field").asString()).isEqualTo("class");
        assertThat(unknown.json().at("/errors/0/message").asString()).contains("[0, 1, 2");
    }

    /**
     * Super-resolution: a low-resolution PNG sent to {@code generate} comes back upscaled, and the
     * exported generator upscales the same pixels to the same values in PyTorch.
     */
    @Test
    void a_super_resolution_generator_upscales_a_png_over_http_as_it_does_in_pytorch() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "sr-to-pytorch", "dataset": "digits", "task": "super-resolution",
                         "superResolution": {"scale": 2, "validationImages": 64},
                         "model": {"width": 8, "hiddenLayers": 2},
                         "training": {"steps": 20, "batchSize": 8, "seed": 3, "emaDecay": 0.9},
                         "checkpoints": {"everySteps": 20}, "evaluation": {"everySteps": 20}}
                        """).json().get("id").asString();
        Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(5));
        Conditions.awaitGenerationReady(processes);
        assertThat(http.get("/api/v1/jobs/" + id)
                        .json()
                        .at("/latestMetrics/eval~1psnr")
                        .isNumber())
                .isTrue();

        // A 12×10 grayscale PNG: any size works, the generator is fully convolutional.
        BufferedImage small = new BufferedImage(12, 10, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = new byte[120];
        new SplittableRandom(8).nextBytes(pixels);
        small.getRaster().setDataElements(0, 0, 12, 10, pixels);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(small, "png", png);
        Http.Response upscaled = http.post(
                "/api/v1/jobs/" + id + "/generate",
                png.toByteArray(),
                Map.of("Content-Type", "image/png", "Accept", "application/x-npy"));
        assertThat(upscaled.status()).as(upscaled.contentType()).isEqualTo(200);
        NpyArrays.Array gantry = NpyArrays.read(upscaled.bytes());
        assertThat(gantry.shape()).containsExactly(1, 1, 20, 24);

        float[] input = new float[120];
        for (int i = 0; i < input.length; i++) {
            input[i] = (pixels[i] & 0xff) / 127.5f - 1f;
        }
        Path inputs = dir.resolve("small.npy");
        Files.write(inputs, Npy.float32(input, new long[] {1, 1, 10, 12}));
        Path zip = dir.resolve("sr.zip");
        Files.write(zip, http.get("/api/v1/jobs/" + id + "/export").bytes());
        Path out = dir.resolve("x-sr.npy");
        Result result = loadGenerator(zip.toString(), "--inputs", inputs.toString(), "--out", out.toString());
        assertThat(result.exit()).as(result.output()).isZero();
        assertClose(NpyArrays.read(Files.readAllBytes(out)), gantry, "srresnet ×2");

        Http.Response json = http.post("/api/v1/jobs/" + id + "/generate", "{\"count\": 4}");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.json().get("detail").asString()).contains("image/png");
        Http.Response notAnImage =
                http.post("/api/v1/jobs/" + id + "/generate", "hello", Map.of("Content-Type", "image/png"));
        assertThat(notAnImage.status()).isEqualTo(400);
        assertThat(notAnImage.json().at("/errors/0/field").asString()).isEqualTo("image");
    }

    private static long[] filled(int count, long value) {
        long[] out = new long[count];
        java.util.Arrays.fill(out, value);
        return out;
    }

    @Test
    void the_script_refuses_weights_that_are_not_the_exported_ones() throws Exception {
        Map<String, byte[]> files = exportOfATrainedJob();
        byte[] weights = files.get("generator.safetensors");

        byte[] flipped = weights.clone();
        flipped[flipped.length - 1] ^= 1;
        Path tampered = zip("tampered.zip", files.get("manifest.json"), flipped);
        Result sha = loadGenerator(tampered.toString());
        assertThat(sha.exit()).isEqualTo(1);
        assertThat(sha.output()).contains("sha256");

        // A header length past the end of the file, under a manifest that vouches for it.
        byte[] hostile = weights.clone();
        hostile[0] = (byte) 0xff;
        hostile[1] = (byte) 0xff;
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8)
                .replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + sha256(hostile) + "\"");
        Result header = loadGenerator(zip("hostile.zip", manifest.getBytes(StandardCharsets.UTF_8), hostile)
                .toString());
        assertThat(header.exit()).isEqualTo(1);
        assertThat(header.output()).contains("safetensors: header of");
    }

    private Map<String, byte[]> exportOfATrainedJob() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "export-hostile", "dataset": "ring8",
                         "model": {"hiddenUnits": 16, "hiddenLayers": 1},
                         "training": {"steps": 20, "batchSize": 32, "seed": 8},
                         "checkpoints": {"everySteps": 20}, "evaluation": {"everySteps": 20, "samples": 100}}
                        """).json().get("id").asString();
        Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(3));
        return unzip(http.get("/api/v1/jobs/" + id + "/export").bytes());
    }

    private Path zip(String name, byte[] manifest, byte[] weights) throws IOException {
        Path path = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(path))) {
            out.putNextEntry(new ZipEntry("manifest.json"));
            out.write(manifest);
            out.putNextEntry(new ZipEntry("generator.safetensors"));
            out.write(weights);
        }
        return path;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
