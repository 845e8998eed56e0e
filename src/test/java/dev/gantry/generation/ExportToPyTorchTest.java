package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.generation.child.Npy;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.io.ByteArrayInputStream;
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
 * python3-torch}) and run on the latents Gantry drew for the same seed: its samples equal
 * Gantry's within float32 tolerance. Skipped, saying why, where that Python is missing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
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

    /** The latents Gantry draws for {@code seed}: N(0, 1) from SplittableRandom, as floats, row-major. */
    static float[] latents(long seed, int count, int dim) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[count * dim];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return z;
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
            Files.write(z, Npy.float32(latents(seed, count, dim), new long[] {count, dim}));

            Path out = dir.resolve("x.npy");
            Result result = loadGenerator(zip.toString(), "--latents", z.toString(), "--out", out.toString());
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("mlp generator of job " + id + " at step 300 (moving average)");
            NpyArrays.Array pytorch = NpyArrays.read(Files.readAllBytes(out));

            assertThat(pytorch.shape()).containsExactly(count, 2);
            double worst = 0;
            for (int i = 0; i < gantry.values().length; i++) {
                float g = gantry.values()[i];
                worst = Math.max(worst, Math.abs(pytorch.values()[i] - g) / Math.max(Math.abs(g), 1));
            }
            System.out.printf("PyTorch against Gantry, %d samples: largest relative difference %.3g%n", count, worst);
            assertThat(worst).isLessThanOrEqualTo(TOLERANCE);

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
