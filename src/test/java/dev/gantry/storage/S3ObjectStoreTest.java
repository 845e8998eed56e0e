package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.testsupport.TestS3;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What only the S3 store has to get right, on S3Proxy: the wire failing under it (dropped
 * connections retried, a truncated download detected), the bucket check at start-up, the key
 * prefix, and uploads of unknown length that never sit whole in memory.
 */
class S3ObjectStoreTest {

    final TestS3 s3 = TestS3.get();

    @Test
    void requests_whose_connection_drops_are_retried_single_puts_parts_and_reads_alike() throws Exception {
        String bucket = s3.newBucket();
        byte[] small = random(100_000, 1);
        byte[] large = random(11 << 20, 2);
        try (FaultyProxy proxy = new FaultyProxy(s3.endpoint());
                S3ObjectStore store = storeAt(proxy.endpoint(), bucket, 4)) {
            proxy.dropNext(2);
            store.put("small", new ByteArrayInputStream(small));
            assertThat(proxy.dropped()).isEqualTo(2);

            proxy.dropNext(3);
            store.put("large", new ByteArrayInputStream(large));
            assertThat(proxy.dropped()).isEqualTo(5);

            proxy.dropNext(2);
            try (InputStream in = store.open("large")) {
                assertThat(in.readAllBytes()).isEqualTo(large);
            }
            assertThat(proxy.dropped()).isEqualTo(7);
        }
        assertThat(s3.pendingUploads(bucket)).isZero();
        try (S3ObjectStore direct = s3Store(bucket, "")) {
            assertThat(direct.open("small")).hasBinaryContent(small);
        }
    }

    @Test
    void a_put_whose_requests_keep_failing_throws_after_its_attempts_and_leaves_no_object() throws Exception {
        String bucket = s3.newBucket();
        try (FaultyProxy proxy = new FaultyProxy(s3.endpoint());
                S3ObjectStore store = storeAt(proxy.endpoint(), bucket, 3)) {
            proxy.dropNext(Integer.MAX_VALUE);

            assertThatThrownBy(() -> store.put("ckpt", new ByteArrayInputStream(random(1000, 3))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("S3 put of 'ckpt' in bucket " + bucket);
            assertThat(proxy.dropped()).isEqualTo(3);
        }
        try (S3ObjectStore direct = s3Store(bucket, "")) {
            assertThat(direct.list("")).isEmpty();
        }
    }

    @Test
    void a_download_cut_off_mid_body_throws_instead_of_ending_as_a_shorter_object() throws Exception {
        String bucket = s3.newBucket();
        byte[] bytes = random(1 << 20, 4);
        try (S3ObjectStore direct = s3Store(bucket, "")) {
            direct.put("ckpt", bytes);
        }
        try (FaultyProxy proxy = new FaultyProxy(s3.endpoint());
                S3ObjectStore store = storeAt(proxy.endpoint(), bucket, 1)) {
            proxy.cutResponsesAfter(200_000);

            assertThatThrownBy(() -> {
                        try (InputStream in = store.open("ckpt")) {
                            in.readAllBytes();
                        }
                    })
                    .isInstanceOf(IOException.class);
            assertThat(proxy.cut()).isEqualTo(1);
        }
    }

    @Test
    void a_short_body_under_its_announced_length_is_an_error_whichever_http_client_reads_it() throws IOException {
        InputStream shortBody =
                new LengthCheckedInputStream(new ByteArrayInputStream(new byte[700]), 1000L, "jobs/1/ckpt");
        assertThat(shortBody.read(new byte[1000], 0, 1000)).isEqualTo(700);
        assertThatThrownBy(shortBody::read).isInstanceOf(IOException.class).hasMessageContaining("700 of 1000");

        InputStream longBody =
                new LengthCheckedInputStream(new ByteArrayInputStream(new byte[1001]), 1000L, "jobs/1/ckpt");
        assertThatThrownBy(longBody::readAllBytes).hasMessageContaining("more than its 1000 bytes");

        InputStream exact = new LengthCheckedInputStream(new ByteArrayInputStream(new byte[1000]), 1000L, "k");
        assertThat(exact.readAllBytes()).hasSize(1000);
        assertThat(exact.read()).isEqualTo(-1);
    }

    @Test
    void the_bucket_check_names_what_is_wrong_absent_forbidden_or_unreachable() throws IOException {
        try (S3ObjectStore absent = s3Store("no-such-bucket", "")) {
            assertThatThrownBy(absent::checkBucket)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'no-such-bucket'")
                    .hasMessageContaining("does not exist");
        }
        String bucket = s3.newBucket();
        StaticCredentialsProvider wrongSecret =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(TestS3.ACCESS_KEY, "not-the-secret"));
        try (S3ObjectStore forbidden =
                new S3ObjectStore(S3Clients.create(s3.settings(bucket, ""), wrongSecret), bucket, "", 5L << 20)) {
            assertThatThrownBy(forbidden::checkBucket).hasMessageContaining("HTTP 403 (access denied");
        }
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (S3ObjectStore unreachable = storeAt(closed, bucket, 1)) {
            assertThatThrownBy(unreachable::checkBucket).hasMessageContaining("cannot be reached");
        }
        try (S3ObjectStore fine = s3Store(bucket, "")) {
            fine.checkBucket();
        }
    }

    @Test
    void a_prefix_keeps_the_store_to_its_part_of_the_bucket_and_foreign_objects_are_not_listed() throws IOException {
        String bucket = s3.newBucket();
        try (S3ObjectStore gantry = s3Store(bucket, "gantry/");
                S3ObjectStore other = s3Store(bucket, "other")) {
            gantry.put("jobs/1/a", new byte[] {1});
            other.put("jobs/1/a", new byte[] {2});
            // What a console or another tool may leave under the prefix: a folder marker, a key
            // no Gantry key can be.
            s3.client().putObject(b -> b.bucket(bucket).key("gantry/jobs/"), RequestBody.empty());
            s3.client().putObject(b -> b.bucket(bucket).key("gantry/notes/read me.txt"), RequestBody.fromString("x"));

            assertThat(s3.describe(bucket)).contains("gantry/jobs/1/a (1 bytes)", "other/jobs/1/a (1 bytes)");
            assertThat(gantry.list("")).containsExactly("jobs/1/a");
            assertThat(gantry.open("jobs/1/a")).hasBinaryContent(new byte[] {1});
            assertThat(other.open("jobs/1/a")).hasBinaryContent(new byte[] {2});
            gantry.delete("jobs/1/a");
            assertThat(other.exists("jobs/1/a")).isTrue();
        }
        assertThatThrownBy(() -> s3Store(bucket, "../up"))
                .isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageContaining("prefix");
    }

    @Test
    void the_leftovers_check_of_the_contract_does_see_a_pending_multipart_upload() {
        String bucket = s3.newBucket();
        String uploadId = s3.client()
                .createMultipartUpload(b -> b.bucket(bucket).key("half"))
                .uploadId();

        assertThat(s3.pendingUploads(bucket)).isEqualTo(1);
        s3.client().abortMultipartUpload(b -> b.bucket(bucket).key("half").uploadId(uploadId));
        assertThat(s3.pendingUploads(bucket)).isZero();
    }

    @Test
    void a_stream_of_unknown_length_four_times_the_heap_goes_up_in_parts_through_a_40_mb_jvm() throws Exception {
        String bucket = s3.newBucket();
        int mebibytes = 160;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx40m",
                "-cp",
                System.getProperty("java.class.path"),
                S3UploadProbe.class.getName(),
                s3.endpoint().toString(),
                bucket,
                "datasets/uploads/big",
                String.valueOf(mebibytes)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(TestS3.environment());
        long started = System.nanoTime();
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(child.exitValue()).as(output).isZero();
        String sent = output.lines()
                .filter(l -> l.startsWith("sha256="))
                .findFirst()
                .orElseThrow()
                .substring(7);

        try (S3ObjectStore store = s3Store(bucket, "")) {
            assertThat(store.size("datasets/uploads/big")).isEqualTo((long) mebibytes << 20);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(store.open("datasets/uploads/big"), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(sent);
        }
        String eTag = s3.client()
                .headObject(b -> b.bucket(bucket).key("datasets/uploads/big"))
                .eTag();
        assertThat(eTag).as("multipart ETag").endsWith("-32\"");
        System.out.printf(
                "%d MiB of unknown length through a JVM with -Xmx40m in %.1f s, ETag %s%n", mebibytes, seconds, eTag);
    }

    private S3ObjectStore s3Store(String bucket, String prefix) {
        return new S3ObjectStore(
                S3Clients.create(s3.settings(bucket, prefix), TestS3.credentials()), bucket, prefix, 5L << 20);
    }

    private static S3ObjectStore storeAt(URI endpoint, String bucket, int maxAttempts) {
        StorageProperties.S3 settings = new StorageProperties.S3(
                bucket, "", endpoint, TestS3.REGION, true, DataSize.ofMegabytes(5), maxAttempts);
        return new S3ObjectStore(S3Clients.create(settings, TestS3.credentials()), bucket, "", 5L << 20);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
