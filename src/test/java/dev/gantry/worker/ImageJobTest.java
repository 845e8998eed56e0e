package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.dataset.DatasetDescriptor;
import dev.gantry.dataset.DatasetService;
import dev.gantry.job.JobSpec;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.testsupport.Datasets;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.Workers;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.ImageTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image job end to end on real parts: a zip of PNG digits in class folders is uploaded, a
 * conditional DCGAN with adaptive augmentation and an EMA generator trains on it in a worker
 * process, the worker is stopped mid-run (SIGTERM: it checkpoints and hands the job back), the
 * restarted worker resumes, and every step's losses and augmentation probability equal those of
 * the same stored spec trained uninterrupted in this JVM.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.worker.jvm-options=-Xmx512m",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.scheduler.reaper-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class ImageJobTest {

    private static final int STEPS = 400;
    private static final List<String> CURVES = List.of("loss/d", "loss/g", "augment/p");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    DatasetService datasets;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void an_uploaded_zip_trains_a_conditional_dcgan_and_a_drained_run_resumes_bitwise() throws Exception {
        Http http = new Http(port);
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=digits-zip", "application/zip", digitsZip(300));
        assertThat(dataset.get("state").asString()).isEqualTo("READY");
        assertThat(dataset.get("count").asInt()).isEqualTo(300);
        String datasetId = dataset.get("id").asString();

        String id = http.post("/api/v1/jobs", """
                        {"name": "digits-upload", "dataset": "%s", "data": {"resolution": 32, "channels": 1},
                         "model": {"architecture": "dcgan", "latentDim": 16, "width": 8, "conditional": true},
                         "training": {"steps": %d, "batchSize": 16, "seed": 11, "emaDecay": 0.99,
                                      "augment": {"policy": ["translation", "cutout"], "adaptive": true,
                                                  "target": 0.1, "interval": 4, "kimg": 1}},
                         "optimizer": {"generator": {"learningRate": 2e-4, "beta2": 0.999},
                                       "discriminator": {"learningRate": 2e-4, "beta2": 0.999}},
                         "checkpoints": {"everySteps": 100, "keepLast": 2}, "evaluation": {"everySteps": 100}}
                        """.formatted(datasetId, STEPS))
                .json()
                .get("id")
                .asString();
        Jobs.await(http, id, j -> j.get("step").asLong() >= 150, Duration.ofMinutes(3));
        ProcessHandle.of(Workers.pid(jdbc, id)).orElseThrow().destroy(); // SIGTERM: drain
        JsonNode done = Jobs.await(http, id, j -> j.get("state").asString().equals("SUCCEEDED"), Duration.ofMinutes(5));
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        List<Long> from = jdbc.sql(
                        "SELECT (detail->>'fromStep')::bigint FROM job_events WHERE job_id = ?::uuid AND type = 'STARTED'"
                                + " ORDER BY id")
                .param(id)
                .query(Long.class)
                .list();
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).isZero();
        assertThat(from.get(1)).as("resumed from the drain checkpoint").isGreaterThanOrEqualTo(150);

        JsonNode spec = done.get("spec");
        assertThat(spec.at("/model/discriminatorNorm").asString()).isEqualTo("batch");
        assertCurvesEqualUninterruptedRun(http, id, json.treeToValue(spec, JobSpec.class), datasetId);

        JsonNode samples = http.get("/api/v1/jobs/" + id + "/samples").json();
        List<Long> steps =
                samples.valueStream().map(s -> s.get("step").asLong()).toList();
        assertThat(steps).containsExactly(100L, 200L, 300L, 400L);
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(
                http.get("/api/v1/jobs/" + id + "/samples/400").bytes()));
        assertThat(grid.getWidth()).as("8 images of 32 px with 2 px gaps").isEqualTo(8 * 34 + 2);
        assertThat(grid.getHeight()).isEqualTo(8 * 34 + 2);
    }

    private void assertCurvesEqualUninterruptedRun(Http http, String id, JobSpec spec, String datasetId) {
        TrainingConfig config = TrainingConfigs.from(spec);
        DatasetDescriptor descriptor = transactions.execute(s -> datasets.requireReadyForJob(datasetId));
        ImageTensor images = datasets.readTensor(descriptor);
        Map<String, TreeMap<Long, Double>> expected = new LinkedHashMap<>();
        CURVES.forEach(c -> expected.put(c, new TreeMap<>()));
        GanTraining.run(
                config, dev.gantry.training.data.Datasets.images(images, config.data()), null, new TrainingListener() {
                    @Override
                    public void onStep(long step, Map<String, Double> metrics) {
                        CURVES.forEach(c -> expected.get(c).put(step, metrics.get(c)));
                    }
                });
        JsonNode metrics = http.get(
                        "/api/v1/jobs/" + id + "/metrics?names=" + String.join(",", CURVES) + "&maxPoints=20000")
                .json();
        for (String curve : CURVES) {
            List<JsonNode> points = Jobs.series(metrics, curve);
            assertThat(points).as(curve).hasSize(STEPS);
            for (JsonNode p : points) {
                long step = p.get("step").asLong();
                assertThat(p.get("value").asDouble())
                        .as("%s at step %d", curve, step)
                        .isEqualTo(expected.get(curve).get(step));
            }
        }
        assertThat(expected.get("augment/p").values().stream()
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElseThrow())
                .as("ADA raised p while D was sure of the real digits")
                .isGreaterThan(0);
    }

    /** The first {@code count} built-in digits as PNGs in a folder per class, as a user would zip them. */
    private static byte[] digitsZip(int count) {
        ImageTensor digits = BuiltInDatasets.images("digits");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster()
                    .setDataElements(
                            0, 0, 28, 28, java.util.Arrays.copyOfRange(digits.pixels(), i * 784, (i + 1) * 784));
            entries.put(
                    "digits/" + digits.classNames().get(digits.labels()[i]) + "/" + i + ".png",
                    DatasetFiles.png(image));
        }
        return DatasetFiles.zip(entries);
    }
}
