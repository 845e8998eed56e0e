package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.generation.TrainedJobs.TrainedJob;
import dev.gantry.generation.export.SafeTensors;
import dev.gantry.job.JobService;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.training.Checkpoint;
import dev.gantry.training.GeneratorSampler;
import dev.gantry.training.model.TensorData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/jobs/{id}/generate} and {@code GET /api/v1/jobs/{id}/export} over real
 * HTTP, drawn by a real generation child process, from checkpoints the training core wrote. No
 * worker runs: generation needs none.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gantry.worker.local-count=0", "gantry.generation.local-count=1"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationApiTest {

    static final Map<String, String> NPY = Map.of("Accept", "application/x-npy");

    @LocalServerPort
    int port;

    @Autowired
    JobService jobs;

    @Autowired
    Artifacts artifacts;

    Http http;
    TrainedJob plain;
    TrainedJob ema;

    @Autowired
    GenerationProcesses processes;

    @BeforeAll
    void train() throws InterruptedException {
        http = new Http(port);
        plain = TrainedJobs.train(http, jobs, artifacts, TrainedJobs.spec("gen-plain", 0));
        ema = TrainedJobs.train(http, jobs, artifacts, TrainedJobs.spec("gen-ema", 0.99));
        Conditions.awaitGenerationReady(processes);
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private Http.Response generate(UUID job, String body, Map<String, String> headers) {
        return http.post("/api/v1/jobs/" + job + "/generate", body, headers);
    }

    @Test
    void npy_samples_are_the_training_cores_bitwise_and_sample_i_does_not_depend_on_count() {
        Http.Response five = generate(plain.id(), "{\"count\": 5, \"seed\": 42}", NPY);

        assertThat(five.status()).isEqualTo(200);
        assertThat(five.contentType()).isEqualTo("application/x-npy");
        assertThat(five.header("X-Gantry-Seed")).isEqualTo("42");
        assertThat(five.header("X-Gantry-Step")).isEqualTo("200");
        assertThat(five.header("X-Gantry-Ema")).isEqualTo("false");
        NpyArrays.Array array = NpyArrays.read(five.bytes());
        assertThat(array.shape()).containsExactly(5, 2);
        float[] expected = GeneratorSampler.sample(
                        plain.config(), plain.checkpoints().get(200L), 5, 42, null)
                .values();
        assertThat(array.values()).containsExactly(expected);

        float[] three = NpyArrays.read(generate(plain.id(), "{\"count\": 3, \"seed\": 42}", NPY)
                        .bytes())
                .values();
        // The same latents; another batch size may change libtorch's summation order by an ulp.
        assertThat(three).containsExactly(java.util.Arrays.copyOf(expected, 6), within(1e-6f));
        float[] otherSeed = NpyArrays.read(generate(plain.id(), "{\"count\": 5, \"seed\": 43}", NPY)
                        .bytes())
                .values();
        assertThat(otherSeed).isNotEqualTo(expected);
    }

    @Test
    void png_is_what_a_client_gets_by_default_a_scatter_plot_for_2d_data() throws Exception {
        Http.Response response = generate(plain.id(), null, Map.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.bytes()));
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(generate(plain.id(), "{}", Map.of("Accept", "image/*")).contentType())
                .isEqualTo("image/png");
    }

    @Test
    void json_points_and_octet_stream_hold_the_same_values_as_npy() {
        float[] npy = NpyArrays.read(
                        generate(plain.id(), "{\"count\": 4, \"seed\": 9}", NPY).bytes())
                .values();

        Http.Response json = generate(plain.id(), "{\"count\": 4, \"seed\": 9}", Map.of("Accept", "application/json"));
        assertThat(json.contentType()).isEqualTo("application/json");
        JsonNode points = json.json().get("points");
        assertThat(points).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(points.get(i)).hasSize(2);
            assertThat(points.get(i).get(0).floatValue()).isEqualTo(npy[2 * i]);
            assertThat(points.get(i).get(1).floatValue()).isEqualTo(npy[2 * i + 1]);
        }
        assertThat(json.json().get("seed").asLong()).isEqualTo(9);
        assertThat(json.json().get("step").asLong()).isEqualTo(200);

        Http.Response octets =
                generate(plain.id(), "{\"count\": 4, \"seed\": 9}", Map.of("Accept", "application/octet-stream"));
        assertThat(octets.contentType()).isEqualTo("application/octet-stream");
        assertThat(NpyArrays.read(octets.bytes()).values()).containsExactly(npy);
        // Preferences by quality: JSON is refused outright, NPY preferred over PNG.
        assertThat(generate(plain.id(), "{}", Map.of("Accept", "image/png;q=0.5, application/x-npy"))
                        .contentType())
                .isEqualTo("application/x-npy");
        assertThat(generate(plain.id(), "{}", Map.of("Accept", "image/png;q=0, */*"))
                        .contentType())
                .isEqualTo("application/x-npy");
    }

    @Test
    void a_seed_left_out_is_drawn_and_sending_it_back_reproduces_the_samples() {
        Http.Response first = generate(plain.id(), "{\"count\": 8}", NPY);
        long seed = Long.parseLong(first.header("X-Gantry-Seed"));
        assertThat(seed).isBetween(0L, 1L << 53);

        Http.Response again = generate(plain.id(), "{\"count\": 8, \"seed\": " + seed + "}", NPY);
        assertThat(again.bytes()).isEqualTo(first.bytes());
        assertThat(generate(plain.id(), "{\"count\": 8}", NPY).header("X-Gantry-Seed"))
                .isNotEqualTo(first.header("X-Gantry-Seed"));
    }

    @Test
    void step_picks_a_checkpoint_and_the_latest_is_the_default() {
        Http.Response at100 = generate(plain.id(), "{\"count\": 4, \"seed\": 1, \"step\": 100}", NPY);
        Http.Response latest = generate(plain.id(), "{\"count\": 4, \"seed\": 1}", NPY);

        assertThat(at100.header("X-Gantry-Step")).isEqualTo("100");
        assertThat(latest.header("X-Gantry-Step")).isEqualTo("200");
        float[] expected100 = GeneratorSampler.sample(
                        plain.config(), plain.checkpoints().get(100L), 4, 1, null)
                .values();
        assertThat(NpyArrays.read(at100.bytes()).values()).containsExactly(expected100);
        assertThat(NpyArrays.read(latest.bytes()).values()).isNotEqualTo(expected100);
    }

    @Test
    void a_run_that_keeps_a_moving_average_is_sampled_from_it() {
        Http.Response response = generate(ema.id(), "{\"count\": 6, \"seed\": 5}", NPY);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Gantry-Ema")).isEqualTo("true");
        float[] expected = GeneratorSampler.sample(
                        ema.config(), ema.checkpoints().get(200L), 6, 5, null)
                .values();
        assertThat(NpyArrays.read(response.bytes()).values()).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"count": 0}                    | count
            {"count": 5000}                 | count
            {"count": 1025}                 | count
            {"count": "5"}                  | count
            {"count": 1.5}                  | count
            {"count": 99999999999}          | count
            {"seed": -1}                    | seed
            {"seed": "seven"}               | seed
            {"step": 150}                   | step
            {"step": -1}                    | step
            {"class": 1}                    | class
            {"class": "seven"}              | class
            {"klass": 1}                    | klass
            [1, 2]                          | ''
            {"count": 5                     | ''
            """)
    void bad_input_is_a_400_problem_naming_the_field(String body, String field) {
        for (Map<String, String> accept : List.of(NPY, Map.of("Accept", "image/png"), Map.<String, String>of())) {
            Http.Response response = generate(plain.id(), body, accept);

            assertThat(response.status()).as("%s with %s", body, accept).isEqualTo(400);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:invalid-request");
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo(field);
        }
    }

    @Test
    void every_bad_field_is_named_at_once() {
        JsonNode problem = generate(plain.id(), "{\"count\": 0, \"seed\": -3, \"class\": 2, \"step\": 7}", NPY)
                .json();

        assertThat(problem.get("errors"))
                .extracting(e -> e.get("field").asString())
                .containsExactly("count", "seed", "class", "step");
        assertThat(problem.at("/errors/3/message").asString()).contains("100", "200");
    }

    @Test
    void latents_are_those_a_draw_of_the_same_seed_feeds_the_generator() {
        Http.Response latents = http.get("/api/v1/jobs/" + plain.id() + "/latents?count=5&seed=42");
        assertThat(latents.status()).isEqualTo(200);
        assertThat(latents.contentType()).isEqualTo("application/x-npy");
        NpyArrays.Array z = NpyArrays.read(latents.bytes());
        assertThat(z.shape()).containsExactly(5, plain.config().model().latentDim());
        // What generate feeds its generator (ExportToPyTorchTest feeds these to PyTorch).
        assertThat(z.values()).containsExactly(dev.gantry.training.Latents.draw(42, 5, (int) z.shape()[1]));

        Http.Response bad = http.get("/api/v1/jobs/" + plain.id() + "/latents?count=0&seed=-1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().findValuesAsString("field")).containsExactlyInAnyOrder("count", "seed");
        assertThat(http.get("/api/v1/jobs/" + UUID.randomUUID() + "/latents?seed=1")
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + plain.id() + "/latents").status()).isEqualTo(400);
    }

    @Test
    void an_unknown_job_is_404_and_a_job_without_a_checkpoint_409() {
        Http.Response unknown = generate(UUID.randomUUID(), "{}", NPY);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).isEqualTo("application/problem+json");

        UUID queued = TrainedJobs.submit(http, TrainedJobs.spec("gen-untrained", 0));
        Http.Response none = generate(queued, "{}", Map.of("Accept", "image/png"));
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.contentType()).isEqualTo("application/problem+json");
        assertThat(none.json().get("detail").asString()).contains("no checkpoint yet");

        assertThat(http.post("/api/v1/jobs/not-a-uuid/generate", "{}").status()).isEqualTo(400);
    }

    @Test
    void a_type_it_cannot_produce_is_a_406_naming_the_ones_it_can() {
        Http.Response response = generate(plain.id(), "{}", Map.of("Accept", "text/html"));

        assertThat(response.status()).isEqualTo(406);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:gantry:problem:not-acceptable");

        Http.Response refused = generate(plain.id(), "{}", Map.of("Accept", "image/png;q=0, application/x-npy;q=0"));
        assertThat(refused.status()).isEqualTo(406);
        assertThat(refused.json().get("detail").asString()).contains("application/json");
    }

    @Test
    void a_body_that_is_not_json_is_a_415() {
        Http.Response response =
                http.post("/api/v1/jobs/" + plain.id() + "/generate", "count=5", Map.of("Content-Type", "text/plain"));

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void an_image_sent_to_a_job_that_draws_from_latents_is_a_415_that_asks_for_json() {
        Http.Response response = http.post(
                "/api/v1/jobs/" + plain.id() + "/generate",
                new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                Map.of("Content-Type", "image/png"));

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("detail").asString()).contains("JSON");
    }

    // ---- export ------------------------------------------------------------------------

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static void assertSameTensors(Map<String, SafeTensors.Tensor> exported, Map<String, TensorData> expected) {
        assertThat(exported).containsOnlyKeys(expected.keySet());
        expected.forEach((name, t) -> {
            assertThat(exported.get(name).shape()).as(name).containsExactly(t.shape());
            assertThat(exported.get(name).floats()).as(name).containsExactly(t.values());
        });
    }

    @Test
    void export_is_a_zip_of_the_generators_weights_as_safetensors_and_a_manifest() throws Exception {
        Http.Response response = http.get("/api/v1/jobs/" + plain.id() + "/export");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/zip");
        assertThat(response.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"gantry-" + plain.id() + "-step-200.zip\"");
        Map<String, byte[]> files = unzip(response.bytes());
        assertThat(files).containsOnlyKeys("manifest.json", "generator.safetensors");

        byte[] weights = files.get("generator.safetensors");
        SafeTensors.Contents contents = SafeTensors.read(weights);
        Checkpoint checkpoint = Checkpoint.decode(plain.checkpoints().get(200L));
        assertSameTensors(contents.tensors(), checkpoint.generator());
        assertThat(contents.tensors())
                .containsOnlyKeys("fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
        assertThat(contents.metadata()).containsEntry("format", "pt");

        JsonNode manifest = Http.parse(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
        assertThat(manifest.get("format").asString()).isEqualTo("gantry-generator");
        assertThat(manifest.get("jobId").asString()).isEqualTo(plain.id().toString());
        assertThat(manifest.get("step").asLong()).isEqualTo(200);
        assertThat(manifest.get("ema").asBoolean()).isFalse();
        assertThat(manifest.get("architecture").asString()).isEqualTo("mlp");
        assertThat(manifest.at("/model/hiddenUnits").asInt()).isEqualTo(32);
        assertThat(manifest.at("/model/hiddenLayers").asInt()).isEqualTo(2);
        assertThat(manifest.at("/model/latentDim").asInt())
                .isEqualTo(plain.config().model().latentDim());
        assertThat(manifest.at("/model/conditional").asBoolean()).isFalse();
        // The flat dict gantry_models.build takes: the model's fields and the data's shape.
        assertThat(manifest.at("/model/architecture").asString()).isEqualTo("mlp");
        assertThat(manifest.at("/model/resolution").asInt()).isZero();
        assertThat(manifest.at("/model/channels").asInt()).isZero();
        assertThat(manifest.at("/model/classes").asInt()).isZero();
        assertThat(manifest.at("/data/kind").asString()).isEqualTo("points");
        assertThat(manifest.at("/output/shape/0").asInt()).isEqualTo(2);
        assertThat(manifest.at("/latent/dim").asInt())
                .isEqualTo(plain.config().model().latentDim());
        assertThat(manifest.get("classNames")).isEmpty();
        assertThat(manifest.get("gantryVersion").asString()).isNotEqualTo("unknown");
        assertThat(manifest.at("/weights/sha256").asString())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(weights)));
        assertThat(manifest.get("modelSignature").asString()).isEqualTo(checkpoint.modelSignature());
    }

    @Test
    void an_export_holds_the_moving_average_when_the_run_keeps_one_and_any_checkpoint_by_step() throws Exception {
        Map<String, byte[]> files =
                unzip(http.get("/api/v1/jobs/" + ema.id() + "/export?step=100").bytes());

        Checkpoint checkpoint = Checkpoint.decode(ema.checkpoints().get(100L));
        assertSameTensors(SafeTensors.read(files.get("generator.safetensors")).tensors(), checkpoint.generatorEma());
        JsonNode manifest = Http.parse(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
        assertThat(manifest.get("ema").asBoolean()).isTrue();
        assertThat(manifest.get("step").asLong()).isEqualTo(100);
    }

    @Test
    void the_same_checkpoint_exports_to_the_same_bytes() {
        byte[] first =
                http.get("/api/v1/jobs/" + plain.id() + "/export?step=100").bytes();
        byte[] second =
                http.get("/api/v1/jobs/" + plain.id() + "/export?step=100").bytes();
        assertThat(second).isEqualTo(first);
        assertThat(http.get("/api/v1/jobs/" + plain.id() + "/export").bytes()).isNotEqualTo(first);
    }

    @Test
    void export_errors_are_problems_naming_the_parameter() {
        String base = "/api/v1/jobs/" + plain.id() + "/export";
        for (String query : List.of("?step=150", "?step=abc", "?step=0x10", "?step=99999999999999999999")) {
            Http.Response response = http.get(base + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("step");
        }
        assertThat(http.get("/api/v1/jobs/" + UUID.randomUUID() + "/export").status())
                .isEqualTo(404);
        UUID queued = TrainedJobs.submit(http, TrainedJobs.spec("export-untrained", 0));
        Http.Response none = http.get("/api/v1/jobs/" + queued + "/export");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void a_corrupt_stored_checkpoint_is_a_problem_saying_so_for_export_and_generate() {
        UUID id = TrainedJobs.submit(http, TrainedJobs.spec("corrupt-checkpoint", 0));
        byte[] bytes = plain.checkpoints().get(200L).clone();
        bytes[bytes.length / 2] ^= 0x40;
        artifacts.save(ArtifactKind.CHECKPOINT, id, 1, 200, bytes, 5);

        for (Http.Response response :
                List.of(http.get("/api/v1/jobs/" + id + "/export"), generate(id, "{\"count\": 5, \"seed\": 1}", NPY))) {
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().get("type").asString()).isEqualTo("urn:gantry:problem:generation-failed");
            assertThat(response.json().get("detail").asString())
                    .contains("checkpoint at step 200")
                    .contains("corrupt (CRC mismatch)");
        }
        assertThat(artifacts.read(ArtifactKind.CHECKPOINT, id, 200)).isEqualTo(bytes);
    }
}
