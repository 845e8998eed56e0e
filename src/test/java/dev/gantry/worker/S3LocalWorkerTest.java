package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.TestS3;
import dev.gantry.testsupport.TestS3Initializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A server configured for S3 gives its local worker the same store: the child process (started
 * by the real supervisor, credentials only in this JVM's {@code aws.*} system properties, which
 * S3Proxy checks) trains, checkpoints and prunes in the bucket, and nothing lands in the folder.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx384m",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = {TestDatabaseInitializer.class, TestS3Initializer.class})
class S3LocalWorkerTest {

    @LocalServerPort
    int port;

    @Value("${gantry.storage.s3.bucket}")
    String bucket;

    @Value("${gantry.storage.folder}")
    Path folder;

    @Autowired
    LocalWorkerSupervisor supervisor;

    @Test
    void the_local_worker_of_an_s3_server_trains_and_checkpoints_into_the_bucket() throws Exception {
        Http http = new Http(port);
        String id = http.post("/api/v1/jobs", """
                        {"name": "s3-local", "dataset": "ring8", "model": {"hiddenUnits": 32, "hiddenLayers": 2},
                         "training": {"steps": 300, "batchSize": 64, "seed": 3},
                         "checkpoints": {"everySteps": 100, "keepLast": 2},
                         "evaluation": {"everySteps": 300, "samples": 200}}
                        """).json().get("id").asString();

        Jobs.awaitState(http, id, "SUCCEEDED", Duration.ofMinutes(3));

        String jobs = "gantry/jobs/" + id;
        List<String> objects = TestS3.get().describe(bucket);
        System.out.println("S3 objects of the local worker's job:");
        objects.forEach(o -> System.out.println("  " + o));
        assertThat(objects)
                .extracting(o -> o.substring(0, o.indexOf(' ')))
                .containsExactly(
                        jobs + "/checkpoints/000000000200.ckpt",
                        jobs + "/checkpoints/000000000300.ckpt",
                        jobs + "/samples/000000000300.png");
        assertThat(TestS3.get().pendingUploads(bucket)).isZero();
        assertThat(filesUnder(folder)).as("nothing in the folder store").isEmpty();

        JsonNode latest = http.get("/api/v1/jobs/" + id + "/checkpoints").json().get(1);
        byte[] served = http.get("/api/v1/jobs/" + id + "/checkpoints/300").bytes();
        byte[] stored = TestS3.get()
                .client()
                .getObjectAsBytes(b -> b.bucket(bucket).key(jobs + "/checkpoints/000000000300.ckpt"))
                .asByteArray();
        assertThat(served).isEqualTo(stored);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served)))
                .isEqualTo(latest.get("sha256").asString());

        JsonNode worker = http.get("/api/v1/workers").json().get(0);
        assertThat(worker.get("pid").asLong()).isEqualTo(supervisor.workerPids().get(0));
        assertThat(worker.get("device").asString()).isEqualTo("cpu");
        assertThat(worker.get("state").asString()).isIn("IDLE", "BUSY");
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
