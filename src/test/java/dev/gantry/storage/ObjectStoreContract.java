package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.artifact.CorruptArtifactException;
import dev.gantry.testsupport.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What every {@link ObjectStore} promises, run against each real store by a subclass: the folder
 * store, S3 through S3Proxy, and S3 on MinIO where Docker runs. Faults included: a put whose
 * stream throws half-way (before and after a part went up), missing keys, bytes damaged in the
 * backend after they were stored, and replacements racing readers.
 */
abstract class ObjectStoreContract {

    /** A store of its own for each test: nothing in it. */
    abstract ObjectStore newStore() throws Exception;

    /** A size that needs several parts where the store has parts (S3: 5 MB), at least 2 MB. */
    abstract int largeSize();

    /** How a backend can damage an object: its bytes flipped, or its tail lost. */
    enum Damage {
        FLIP_A_BYTE,
        CUT_THE_TAIL
    }

    /** Damages the stored bytes of {@code key} behind the store's back, as a failing disk would. */
    abstract void damage(ObjectStore store, String key, Damage damage) throws Exception;

    /** What a failed put could have left that is not an object: temp files, pending multipart uploads. */
    abstract List<String> leftovers(ObjectStore store) throws Exception;

    ObjectStore store;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @Test
    void put_then_open_returns_the_same_bytes_for_small_and_multi_part_objects() throws IOException {
        for (int size : new int[] {1, 300_000, largeSize()}) {
            byte[] bytes = randomBytes(size, size);
            String key = "jobs/1/checkpoints/" + size + ".ckpt";
            store.put(key, new java.io.ByteArrayInputStream(bytes));

            assertThat(readAll(key)).as("%d bytes", size).isEqualTo(bytes);
            assertThat(store.exists(key)).isTrue();
            assertThat(store.size(key)).isEqualTo(size);
        }
    }

    @Test
    void an_empty_object_is_an_object() throws IOException {
        store.put("empty", new byte[0]);

        assertThat(store.exists("empty")).isTrue();
        assertThat(store.size("empty")).isZero();
        assertThat(readAll("empty")).isEmpty();
    }

    @Test
    void put_replaces_an_existing_object_larger_or_smaller() throws IOException {
        byte[] large = randomBytes(largeSize(), 3);
        store.put("a.bin", "old and longer".getBytes(StandardCharsets.UTF_8));
        store.put("a.bin", "new".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(readAll("a.bin"), StandardCharsets.UTF_8)).isEqualTo("new");

        store.put("a.bin", new java.io.ByteArrayInputStream(large));
        assertThat(readAll("a.bin")).isEqualTo(large);
        store.put("a.bin", new byte[] {9});
        assertThat(readAll("a.bin")).containsExactly(9);
        assertThat(store.list("")).containsExactly("a.bin");
    }

    @Test
    void a_missing_key_is_not_found_by_open_and_size_and_absent_for_exists() {
        assertThatThrownBy(() -> store.open("nope/x"))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining("nope/x");
        assertThatThrownBy(() -> store.size("nope/x")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(store.exists("nope/x")).isFalse();
    }

    @Test
    void a_key_that_is_only_the_folder_of_other_keys_is_not_an_object() {
        store.put("jobs/1/a", new byte[] {1});

        assertThat(store.exists("jobs/1")).isFalse();
        assertThatThrownBy(() -> store.open("jobs/1")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.size("jobs/1")).isInstanceOf(ObjectNotFoundException.class);
        store.delete("jobs/1");
        assertThat(store.exists("jobs/1/a")).isTrue();
    }

    @Test
    void delete_removes_the_object_and_deleting_an_absent_key_is_no_error() {
        store.put("a/b", new byte[] {1, 2});

        store.delete("a/b");
        store.delete("a/b");
        store.delete("never/was");

        assertThat(store.exists("a/b")).isFalse();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void list_returns_sorted_keys_that_start_with_the_prefix() {
        for (String key : List.of(
                "jobs/2/ckpt-000200",
                "jobs/2/ckpt-000100",
                "jobs/2/samples/000100.png",
                "jobs/20/ckpt-000100",
                "jobs/3/ckpt-000100",
                "jobs/2-other",
                "datasets/grid25.npy")) {
            store.put(key, new byte[] {7});
        }

        assertThat(store.list("jobs/2/"))
                .containsExactly("jobs/2/ckpt-000100", "jobs/2/ckpt-000200", "jobs/2/samples/000100.png");
        assertThat(store.list("jobs/2/ckpt-")).containsExactly("jobs/2/ckpt-000100", "jobs/2/ckpt-000200");
        // A plain string prefix, not a whole segment: "jobs/2" also matches "jobs/20/…" and "jobs/2-other".
        assertThat(store.list("jobs/2"))
                .containsExactly(
                        "jobs/2-other",
                        "jobs/2/ckpt-000100",
                        "jobs/2/ckpt-000200",
                        "jobs/2/samples/000100.png",
                        "jobs/20/ckpt-000100");
        assertThat(store.list("")).hasSize(7).isSorted();
        assertThat(store.list("jobs/9/")).isEmpty();
        assertThat(store.list("datasets/grid25.npy/")).isEmpty();
    }

    @Test
    void list_refuses_prefixes_no_key_could_start_with() {
        for (String prefix : List.of("../", "/", "/etc/", "a/../../", "a//", "a\\b")) {
            assertThatThrownBy(() -> store.list(prefix)).as(prefix).isInstanceOf(InvalidObjectKeyException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../b", "a/.", "a//b", "a/", "/a", "a\\b", "", "a\u0000b", "a b", "a~b", "é"})
    void keys_that_are_not_plain_relative_paths_are_refused_by_every_method_and_write_nothing(String key)
            throws Exception {
        assertThatThrownBy(() -> store.put(key, new byte[] {1})).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.exists(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(InvalidObjectKeyException.class);

        assertThat(store.list("")).isEmpty();
        assertThat(leftovers(store)).isEmpty();
    }

    @Test
    void a_put_whose_stream_throws_half_way_leaves_no_object_and_nothing_half_written() throws Exception {
        // Once within the first part, once after two parts went up.
        for (int failAfter : new int[] {100_000, largeSize()}) {
            IOException failure = new IOException("connection reset by client");
            String key = "uploads/" + failAfter + ".bin";

            assertThatThrownBy(() -> store.put(key, new FailingInputStream(failAfter, failure)))
                    .isSameAs(failure);

            assertThat(store.exists(key)).isFalse();
            assertThat(store.list("")).isEmpty();
            assertThat(leftovers(store)).as("after %d bytes", failAfter).isEmpty();
        }
    }

    @Test
    void a_failed_put_over_an_existing_object_leaves_the_old_object_whole() throws Exception {
        byte[] old = randomBytes(200_000, 2);
        store.put("ckpt", old);

        assertThatThrownBy(() -> store.put("ckpt", new FailingInputStream(largeSize(), new IOException("disk full"))))
                .hasMessage("disk full");

        assertThat(readAll("ckpt")).isEqualTo(old);
        assertThat(store.list("")).containsExactly("ckpt");
        assertThat(leftovers(store)).isEmpty();
    }

    @Test
    void concurrent_readers_see_the_whole_old_or_the_whole_new_object_while_it_is_replaced() throws Exception {
        // Each version is one repeated byte, larger than a part: a reader that caught a write half
        // way would see a short object or two byte values.
        int size = largeSize();
        int versions = 12;
        store.put("model.ckpt", filled(size, (byte) 0));

        CountDownLatch readerStarted = new CountDownLatch(1);
        AtomicBoolean writerDone = new AtomicBoolean();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            readerStarted.countDown();
            boolean lastRound;
            do {
                lastRound = writerDone.get();
                byte[] seen = readAll("model.ckpt");
                reads++;
                if (seen.length != size) {
                    throw new AssertionError("read " + seen.length + " bytes of " + size + " on read " + reads);
                }
                for (int i = 0; i < seen.length; i++) {
                    if (seen[i] != seen[0]) {
                        throw new AssertionError(
                                "torn read " + reads + ": byte " + i + " is " + seen[i] + " after " + seen[0]);
                    }
                }
            } while (!lastRound);
            return reads;
        });

        assertThat(readerStarted.await(10, TimeUnit.SECONDS)).isTrue();
        for (int v = 1; v <= versions; v++) {
            store.put("model.ckpt", new java.io.ByteArrayInputStream(filled(size, (byte) v)));
        }
        writerDone.set(true);

        assertThat(reader.get(120, TimeUnit.SECONDS)).isPositive();
        assertThat(readAll("model.ckpt")).isEqualTo(filled(size, (byte) versions));
        assertThat(store.list("")).containsExactly("model.ckpt");
        assertThat(leftovers(store)).isEmpty();
    }

    @Test
    void damaged_bytes_are_served_as_they_are_and_the_recorded_size_and_sha256_refuse_them() throws Exception {
        JdbcClient jdbc = JdbcClient.create(TestDatabase.migrated());
        Artifacts artifacts = new Artifacts(jdbc, store, 2, Duration.ofMillis(10));
        UUID job = UUID.randomUUID();
        jdbc.sql(
                        "INSERT INTO jobs (id, project_id, name, state, spec, total_steps) VALUES (?, '00000000-0000-0000-0000-000000000001', 'contract', 'RUNNING', '{}', 10)")
                .params(job)
                .update();
        byte[] flipped = randomBytes(300_000, 11);
        byte[] cut = randomBytes(300_000, 12);
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 1, flipped, 5))
                .isTrue();
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 2, cut, 5)).isTrue();

        List<String> keys = store.list("jobs/" + job + "/");
        assertThat(keys).hasSize(2);
        damage(store, keys.get(0), Damage.FLIP_A_BYTE);
        damage(store, keys.get(1), Damage.CUT_THE_TAIL);

        byte[] served = readAll(keys.get(0));
        assertThat(served).hasSameSizeAs(flipped).isNotEqualTo(flipped);
        assertThat(sha256(served)).isNotEqualTo(sha256(flipped));
        assertThatThrownBy(() -> artifacts.read(ArtifactKind.CHECKPOINT, job, 1))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> artifacts.read(ArtifactKind.CHECKPOINT, job, 2))
                .isInstanceOf(CorruptArtifactException.class);
    }

    byte[] readAll(String key) {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Yields {@code before} bytes, then throws, as an upload whose client went away. */
    static final class FailingInputStream extends InputStream {
        private final IOException failure;
        private int remaining;

        FailingInputStream(int before, IOException failure) {
            this.remaining = before;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            if (remaining == 0) {
                throw failure;
            }
            remaining--;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                throw failure;
            }
            int n = Math.min(len, remaining);
            Arrays.fill(b, off, off + n, (byte) 'x');
            remaining -= n;
            return n;
        }
    }
}
