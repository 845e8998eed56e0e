package dev.gantry.api;

import static dev.gantry.testsupport.DatasetFiles.gray;
import static dev.gantry.testsupport.DatasetFiles.png;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.dataset.DatasetDescriptor;
import dev.gantry.dataset.DatasetService;
import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.testsupport.Datasets;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.training.data.ImageTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Uploads of every format through the real server, PostgreSQL and folder object store. */
@GantryIntegrationTest
class DatasetApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore store;

    @Autowired
    DatasetService service;

    @Autowired
    TransactionTemplate tx;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private static byte[] catsAndDogs() {
        return catsAndDogs(0);
    }

    /** Five 8×8 gray images, seeds {@code seed + 1} to {@code seed + 5}: other seeds, other objects. */
    private static byte[] catsAndDogs(long seed) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("photos/", null);
        entries.put("photos/dog/a.png", png(gray(8, 8, seed + 1)));
        entries.put("photos/cat/b.png", png(gray(8, 8, seed + 2)));
        entries.put("photos/cat/c.png", png(gray(8, 8, seed + 3)));
        entries.put("photos/dog/d.png", png(gray(8, 8, seed + 4)));
        entries.put("photos/cat/e.png", png(gray(8, 8, seed + 5)));
        entries.put("photos/.DS_Store", new byte[] {0, 0, 0, 1});
        entries.put("photos/notes.txt", "not a class".getBytes());
        return DatasetFiles.zip(entries);
    }

    @Test
    void a_zip_of_class_folders_uploaded_as_multipart_becomes_a_labeled_dataset() throws Exception {
        byte[] zip = catsAndDogs();
        DatasetFiles.Multipart body = DatasetFiles.multipart(orderedParts("name", "pets".getBytes(), "file", zip));
        JsonNode dataset = Datasets.uploadAndWait(http, "", body.contentType(), body.body());

        assertThat(dataset.get("state").asString()).as(dataset.toString()).isEqualTo("READY");
        assertThat(dataset.get("name").asString()).isEqualTo("pets");
        assertThat(dataset.get("format").asString()).isEqualTo("zip");
        assertThat(dataset.get("count").asInt()).isEqualTo(5);
        assertThat(dataset.get("channels").asInt()).isEqualTo(1);
        assertThat(dataset.get("height").asInt()).isEqualTo(8);
        assertThat(dataset.get("width").asInt()).isEqualTo(8);
        assertThat(dataset.get("classes").toString())
                .isEqualTo("[{\"name\":\"cat\",\"count\":3},{\"name\":\"dog\",\"count\":2}]");
        assertThat(dataset.get("skipped").toString()).isEqualTo("{\"hidden\":1,\"outside-class-folder\":1}");
        assertThat(dataset.get("uploadBytes").asLong()).isEqualTo(zip.length);
        assertThat(dataset.get("uploadSha256").asString()).isEqualTo(sha256(zip));
        assertThat(dataset.has("progress")).isFalse();
        assertThat(dataset.has("preprocessing")).isFalse();

        // The stored tensor: images in central-directory order, labels by sorted class name.
        ImageTensor tensor = tensor(dataset);
        assertThat(tensor.labels()).containsExactly(1, 0, 0, 1, 0);
        BufferedImage first = gray(8, 8, 1);
        assertThat(tensor.pixels()[9] & 0xFF).isEqualTo(first.getRaster().getSample(1, 1, 0));
    }

    @Test
    void an_idx_pair_in_a_zip_with_a_gzipped_images_file_becomes_labeled_digits() throws Exception {
        byte[] zip = DatasetFiles.zip(orderedParts(
                "train-images-idx3-ubyte.gz", DatasetFiles.gzip(DatasetFiles.idxImages(6, 28, 28)),
                "train-labels-idx1-ubyte", DatasetFiles.idxLabels(3, 1, 4, 1, 5, 0)));
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=digits-idx", "application/zip", zip);

        assertThat(dataset.get("state").asString()).as(dataset.toString()).isEqualTo("READY");
        assertThat(dataset.get("format").asString()).isEqualTo("idx");
        assertThat(dataset.get("count").asInt()).isEqualTo(6);
        assertThat(dataset.get("channels").asInt()).isEqualTo(1);
        assertThat(dataset.get("height").asInt()).isEqualTo(28);
        assertThat(dataset.get("classes").toString())
                .isEqualTo("[{\"name\":\"0\",\"count\":1},{\"name\":\"1\",\"count\":2},{\"name\":\"2\",\"count\":0},"
                        + "{\"name\":\"3\",\"count\":1},{\"name\":\"4\",\"count\":1},{\"name\":\"5\",\"count\":1}]");
        ImageTensor tensor = tensor(dataset);
        assertThat(tensor.labels()).containsExactly(3, 1, 4, 1, 5, 0);
        // Pixel i of image n is (n + i) mod 256.
        assertThat(tensor.pixels()[2 * 784 + 10] & 0xFF).isEqualTo(12);
    }

    @Test
    void a_raw_and_a_gzipped_idx_images_file_become_unlabeled_datasets() throws Exception {
        byte[] raw = DatasetFiles.idxImages(3, 5, 7);
        JsonNode plain = Datasets.uploadAndWait(http, "?name=raw-idx&format=idx", "application/octet-stream", raw);
        assertThat(plain.get("state").asString()).as(plain.toString()).isEqualTo("READY");
        assertThat(plain.get("count").asInt()).isEqualTo(3);
        assertThat(plain.get("height").asInt()).isEqualTo(5);
        assertThat(plain.get("width").asInt()).isEqualTo(7);
        assertThat(plain.get("classes")).isEmpty();

        JsonNode gzipped =
                Datasets.uploadAndWait(http, "?name=gz-idx", "application/octet-stream", DatasetFiles.gzip(raw));
        assertThat(gzipped.get("state").asString()).as(gzipped.toString()).isEqualTo("READY");
        // The same images, so the same tensor, stored once.
        assertThat(gzipped.get("tensorSha256").asString())
                .isEqualTo(plain.get("tensorSha256").asString());
        assertThat(gzipped.get("uploadSha256").asString())
                .isNotEqualTo(plain.get("uploadSha256").asString());
    }

    @Test
    void an_rgb_npy_array_with_labels_becomes_channels_first_images() throws Exception {
        byte[] zip = DatasetFiles.zip(orderedParts(
                "images.npy", DatasetFiles.npyImages(4, 2, 3, 3), "labels.npy", DatasetFiles.npyLabels(1, 0, 1, 1)));
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=rgb-npy&format=npy", "application/zip", zip);

        assertThat(dataset.get("state").asString()).as(dataset.toString()).isEqualTo("READY");
        assertThat(dataset.get("format").asString()).isEqualTo("npy");
        assertThat(dataset.get("count").asInt()).isEqualTo(4);
        assertThat(dataset.get("channels").asInt()).isEqualTo(3);
        assertThat(dataset.get("classes").toString())
                .isEqualTo("[{\"name\":\"0\",\"count\":1},{\"name\":\"1\",\"count\":3}]");
        ImageTensor tensor = tensor(dataset);
        // HWC byte (y=1, x=2, c=1) of image 1 is 3·1 + (1·3 + 2)·3 + 1 = 19; in CHW it sits at c·6 + y·3 + x.
        assertThat(tensor.pixels()[18 + 6 + 5] & 0xFF).isEqualTo(19);
    }

    @Test
    void a_gray_npy_array_larger_than_the_max_resolution_is_cropped_and_resized() throws Exception {
        byte[] npy = DatasetFiles.npy("|u1", new long[] {2, 300, 260}, new byte[2 * 300 * 260]);
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=big-npy", "application/octet-stream", npy);
        assertThat(dataset.get("state").asString()).as(dataset.toString()).isEqualTo("READY");
        assertThat(dataset.get("channels").asInt()).isEqualTo(1);
        assertThat(dataset.get("height").asInt()).isEqualTo(256);
        assertThat(dataset.get("width").asInt()).isEqualTo(256);
        assertThat(dataset.get("preprocessing").asString()).contains("300×260", "256×256");
    }

    @Test
    void the_same_bytes_uploaded_twice_are_stored_once_and_deleted_with_their_last_user() throws Exception {
        // Bytes no other test uploads: the objects are shared by every row that names them.
        byte[] zip = catsAndDogs(System.nanoTime());
        JsonNode first = Datasets.uploadAndWait(http, "?name=twice-1", "application/zip", zip);
        JsonNode second = Datasets.uploadAndWait(http, "?name=twice-2", "application/zip", zip);
        assertThat(second.get("id").asString()).isNotEqualTo(first.get("id").asString());
        String upload = "datasets/uploads/" + sha256(zip);
        String tensor = "datasets/tensors/" + first.get("tensorSha256").asString();
        assertThat(second.get("tensorSha256").asString())
                .isEqualTo(first.get("tensorSha256").asString());
        assertThat(store.list("datasets/uploads/" + sha256(zip))).containsExactly(upload);
        assertThat(store.list(tensor)).containsExactly(tensor);

        assertThat(http.delete("/api/v1/datasets/" + first.get("id").asString()).status())
                .isEqualTo(204);
        assertThat(store.exists(upload)).as("still used by the second").isTrue();
        assertThat(store.exists(tensor)).isTrue();
        assertThat(http.get("/api/v1/datasets/" + first.get("id").asString()).status())
                .isEqualTo(404);

        assertThat(http.delete("/api/v1/datasets/" + second.get("id").asString())
                        .status())
                .isEqualTo(204);
        assertThat(store.exists(upload)).isFalse();
        assertThat(store.exists(tensor)).isFalse();
    }

    @Test
    void delete_is_a_conflict_while_an_unfinished_job_uses_the_dataset() throws Exception {
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=in-use", "application/zip", catsAndDogs());
        String id = dataset.get("id").asString();
        UUID job = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps)
                        VALUES (:id, '00000000-0000-0000-0000-000000000001', 'uses-it', 'RUNNING', jsonb_build_object('dataset', :dataset), 10)
                        """).param("id", job).param("dataset", id).update();

        Http.Response refused = http.delete("/api/v1/datasets/" + id);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains(job.toString());
        assertThat(http.get("/api/v1/datasets/" + id).status()).isEqualTo(200);

        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = :id")
                .param("id", job)
                .update();
        assertThat(http.delete("/api/v1/datasets/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/datasets/" + id).status()).isEqualTo(404);
    }

    @Test
    void the_preview_is_an_8_by_8_png_grid_of_the_first_images() throws Exception {
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=preview", "application/zip", catsAndDogs());
        Http.Response preview = http.get("/api/v1/datasets/" + dataset.get("id").asString() + "/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.contentType()).isEqualTo("image/png");
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(preview.bytes()));
        // 8 cells of 8 pixels and 9 gutters of 2.
        assertThat(grid.getWidth()).isEqualTo(82);
        assertThat(grid.getHeight()).isEqualTo(82);
        assertThat(grid.getRaster().getSample(2 + 3, 2 + 4, 0))
                .isEqualTo(gray(8, 8, 1).getRaster().getSample(3, 4, 0));
        assertThat(grid.getRaster().getSample(0, 0, 0)).as("gutter").isEqualTo(255);
        // Cells past the fifth image stay white.
        assertThat(grid.getRaster().getSample(2 + 6 * 10 + 3, 2 + 3, 0)).isEqualTo(255);

        Http.Response points = http.get("/api/v1/datasets/grid25/preview");
        assertThat(points.status()).isEqualTo(404);
        assertThat(points.contentType()).startsWith("application/problem+json");
    }

    @Test
    void the_list_has_the_built_in_sets_and_the_uploads() throws Exception {
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=listed", "application/zip", catsAndDogs());
        JsonNode list = http.get("/api/v1/datasets").json().get("datasets");
        List<String> ids = list.valueStream().map(d -> d.get("id").asString()).toList();
        assertThat(ids)
                .contains("grid25", "ring8", "swissroll", dataset.get("id").asString());
        JsonNode grid25 = http.get("/api/v1/datasets/grid25").json();
        assertThat(grid25.get("builtIn").asBoolean()).isTrue();
        assertThat(grid25.get("kind").asString()).isEqualTo("points");
        assertThat(http.get("/api/v1/datasets/no-such-set").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/datasets/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(http.delete("/api/v1/datasets/grid25").status()).isEqualTo(409);
    }

    @Test
    void a_job_gets_a_descriptor_of_a_ready_dataset_and_a_field_error_for_anything_else() throws Exception {
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=for-jobs", "application/zip", catsAndDogs());
        String id = dataset.get("id").asString();
        DatasetDescriptor descriptor = tx.execute(s -> service.requireReadyForJob(id));
        assertThat(descriptor.builtIn()).isFalse();
        assertThat(descriptor.channels()).isEqualTo(1);
        assertThat(descriptor.classNames()).containsExactly("cat", "dog");
        assertThat(descriptor.tensorSha256())
                .isEqualTo(dataset.get("tensorSha256").asString());
        assertThat(service.readTensor(descriptor).count()).isEqualTo(5);
        assertThat(tx.execute(s -> service.requireReadyForJob("ring8")).builtIn())
                .isTrue();
        for (String bad : List.of("ring9", UUID.randomUUID().toString(), "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tx.execute(s -> service.requireReadyForJob(bad)))
                    .isInstanceOf(dev.gantry.dataset.DatasetUnusableException.class)
                    .hasMessageStartingWith("unknown value '" + bad.substring(0, Math.min(bad.length(), 8)));
        }
    }

    @Test
    void a_tensor_whose_stored_bytes_changed_is_refused_on_read() throws Exception {
        byte[] zip = DatasetFiles.zip(orderedParts("x/a.png", png(gray(4, 4, 9)), "x/b.png", png(gray(4, 4, 8))));
        JsonNode dataset = Datasets.uploadAndWait(http, "?name=tampered", "application/zip", zip);
        DatasetDescriptor descriptor =
                tx.execute(s -> service.requireReadyForJob(dataset.get("id").asString()));
        byte[] bytes = store.open(descriptor.tensorKey()).readAllBytes();
        bytes[30] ^= 1;
        store.put(descriptor.tensorKey(), bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.readTensor(descriptor))
                .isInstanceOf(dev.gantry.dataset.CorruptDatasetException.class)
                .hasMessageContaining("SHA-256");
    }

    private ImageTensor tensor(JsonNode dataset) {
        DatasetDescriptor descriptor =
                tx.execute(s -> service.requireReadyForJob(dataset.get("id").asString()));
        return service.readTensor(descriptor);
    }

    static Map<String, byte[]> orderedParts(Object... nameThenBytes) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            parts.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return parts;
    }

    static String sha256(byte[] bytes) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
