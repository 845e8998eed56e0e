package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FolderObjectStoreTest {

    @TempDir
    Path sandbox;

    Path root;
    FolderObjectStore store;

    @BeforeEach
    void setUp() {
        root = sandbox.resolve("store");
        store = new FolderObjectStore(root);
    }

    @Test
    void creates_its_root_folder_when_missing() {
        assertThat(root).isDirectory();
    }

    @Test
    void put_then_open_returns_the_same_bytes() throws IOException {
        byte[] bytes = randomBytes(300_000, 1);
        store.put("jobs/1/checkpoints/000100.ckpt", bytes);

        try (InputStream in = store.open("jobs/1/checkpoints/000100.ckpt")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.exists("jobs/1/checkpoints/000100.ckpt")).isTrue();
        assertThat(store.size("jobs/1/checkpoints/000100.ckpt")).isEqualTo(300_000);
    }

    @Test
    void put_replaces_an_existing_object() throws IOException {
        store.put("a.bin", "old and longer".getBytes(StandardCharsets.UTF_8));
        store.put("a.bin", "new".getBytes(StandardCharsets.UTF_8));

        assertThat(read("a.bin")).isEqualTo("new");
        assertThat(store.size("a.bin")).isEqualTo(3);
    }

    @Test
    void an_empty_object_is_an_object() throws IOException {
        store.put("empty", new byte[0]);

        assertThat(store.exists("empty")).isTrue();
        assertThat(store.size("empty")).isZero();
        assertThat(read("empty")).isEmpty();
    }

    @Test
    void absent_objects_throw_not_found_on_open_and_size_and_are_not_there_for_exists() {
        assertThatThrownBy(() -> store.open("nope/x")).isInstanceOf(ObjectNotFoundException.class);
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
    void delete_removes_the_object_and_tolerates_an_absent_one() {
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
                "datasets/grid25.npy")) {
            store.put(key, new byte[] {7});
        }

        assertThat(store.list("jobs/2/"))
                .containsExactly("jobs/2/ckpt-000100", "jobs/2/ckpt-000200", "jobs/2/samples/000100.png");
        assertThat(store.list("jobs/2/ckpt-")).containsExactly("jobs/2/ckpt-000100", "jobs/2/ckpt-000200");
        // A plain string prefix, not a whole segment: "jobs/2" also matches "jobs/20/…".
        assertThat(store.list("jobs/2"))
                .containsExactly(
                        "jobs/2/ckpt-000100", "jobs/2/ckpt-000200", "jobs/2/samples/000100.png", "jobs/20/ckpt-000100");
        assertThat(store.list("")).hasSize(6).isSorted();
        assertThat(store.list("jobs/9/")).isEmpty();
        assertThat(store.list("datasets/grid25.npy/")).isEmpty();
    }

    @Test
    void list_refuses_prefixes_that_would_walk_outside_the_store() {
        for (String prefix : List.of("../", "/", "/etc/", "a/../../", "a//", "a\\b")) {
            assertThatThrownBy(() -> store.list(prefix)).as(prefix).isInstanceOf(InvalidObjectKeyException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../x",
                "a/../../b",
                "a/..",
                "..",
                ".",
                "./a",
                "a/./b",
                "a//b",
                "a/",
                "/a",
                "a\\b",
                "..\\x",
                "",
                "a\u0000b",
                "a b",
                "a:b",
                "a~b",
                "é"
            })
    void keys_that_are_not_plain_relative_paths_are_refused_and_write_nothing(String key) throws IOException {
        assertThatThrownBy(() -> store.put(key, new byte[] {1})).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.exists(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(InvalidObjectKeyException.class);

        assertThat(filesUnder(sandbox)).isEmpty();
    }

    @Test
    void absolute_paths_are_refused_even_when_they_point_inside_the_store() throws IOException {
        Path outside = sandbox.resolve("outside");
        Files.writeString(outside, "precious");
        String inside = root.resolve("x").toAbsolutePath().toString();

        assertThatThrownBy(() -> store.put(outside.toString(), new byte[] {1}))
                .isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> store.delete(outside.toString())).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.put(inside, new byte[] {1})).isInstanceOf(InvalidObjectKeyException.class);
        // Reads are refused as well: reading a host file is as bad as writing one.
        assertThatThrownBy(() -> store.open("/etc/passwd")).isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> store.exists("/etc/passwd")).isInstanceOf(InvalidObjectKeyException.class);

        assertThat(Files.readString(outside)).isEqualTo("precious");
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void the_error_names_the_problem_with_the_key() {
        assertThatThrownBy(() -> store.put("a//b", new byte[0])).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> store.put("a/../b", new byte[0])).hasMessageContaining("'..' segment");
        assertThatThrownBy(() -> store.put("a\\b", new byte[0])).hasMessageContaining("'\\'");
        // The NUL is named, not printed raw.
        assertThatThrownBy(() -> store.put("a\u0000b", new byte[0]))
                .hasMessageContaining("U+0000")
                .hasMessageNotContaining("\u0000");
        assertThatThrownBy(() -> store.put("", new byte[0])).hasMessageContaining("empty");
    }

    @Test
    void keys_of_exactly_the_maximum_length_are_accepted_and_longer_ones_refused() {
        // 1024 characters: segments of 100 characters joined by slashes; the file system limit
        // is 255 bytes per name, so one long segment would fail for a different reason.
        String segment = "s".repeat(100);
        StringBuilder key = new StringBuilder(segment);
        while (key.length() + 1 + segment.length() <= ObjectKeys.MAX_LENGTH) {
            key.append('/').append(segment);
        }
        int rest = ObjectKeys.MAX_LENGTH - key.length() - 1;
        key.append('/').append("t".repeat(rest));
        assertThat(key).hasSize(ObjectKeys.MAX_LENGTH);

        store.put(key.toString(), new byte[] {1});
        assertThat(store.exists(key.toString())).isTrue();
        assertThatThrownBy(() -> store.put(key + "u", new byte[] {1}))
                .isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageContaining("longer than 1024");
    }

    @Test
    void a_put_whose_stream_fails_midway_leaves_no_object_and_no_temp_file() throws IOException {
        IOException failure = new IOException("connection reset by client");
        InputStream failing = new FailingInputStream(1_000_000, failure);

        assertThatThrownBy(() -> store.put("uploads/big.bin", failing)).isSameAs(failure);

        assertThat(store.exists("uploads/big.bin")).isFalse();
        assertThat(store.list("")).isEmpty();
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void a_failed_put_over_an_existing_object_leaves_the_old_object_whole() throws IOException {
        byte[] old = randomBytes(200_000, 2);
        store.put("ckpt", old);

        assertThatThrownBy(() -> store.put("ckpt", new FailingInputStream(500_000, new IOException("disk full"))))
                .hasMessage("disk full");

        try (InputStream in = store.open("ckpt")) {
            assertThat(in.readAllBytes()).isEqualTo(old);
        }
        assertThat(filesUnder(root)).containsExactly(root.resolve("ckpt"));
    }

    @Test
    void a_concurrent_reader_never_sees_a_torn_object_while_it_is_overwritten() throws Exception {
        // Each version is 4 MiB of one repeated byte, so a reader that caught a write halfway
        // would see a short object or two byte values in one read.
        int size = 4 * 1024 * 1024;
        int versions = 40;
        store.put("model.ckpt", filled(size, (byte) 0));

        CountDownLatch readerStarted = new CountDownLatch(1);
        AtomicBoolean writerDone = new AtomicBoolean();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            readerStarted.countDown();
            // Bounded by the writer: it stops after its last version, and at least one read
            // happens after that.
            boolean lastRound;
            do {
                lastRound = writerDone.get();
                byte[] seen;
                try (InputStream in = store.open("model.ckpt")) {
                    seen = in.readAllBytes();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                reads++;
                if (seen.length != size) {
                    throw new AssertionError("read " + seen.length + " bytes of " + size + " on read " + reads);
                }
                byte first = seen[0];
                for (int i = 0; i < seen.length; i++) {
                    if (seen[i] != first) {
                        throw new AssertionError(
                                "torn read " + reads + ": byte " + i + " is " + seen[i] + " after " + first);
                    }
                }
            } while (!lastRound);
            return reads;
        });

        assertThat(readerStarted.await(10, TimeUnit.SECONDS)).isTrue();
        for (int v = 1; v <= versions; v++) {
            store.put("model.ckpt", filled(size, (byte) v));
        }
        writerDone.set(true);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        assertThat(store.open("model.ckpt").readAllBytes()).isEqualTo(filled(size, (byte) versions));
        assertThat(filesUnder(root)).containsExactly(root.resolve("model.ckpt"));
    }

    @Test
    void a_put_into_a_path_whose_folder_is_an_object_fails_without_harming_that_object() {
        store.put("a", new byte[] {42});

        assertThatThrownBy(() -> store.put("a/b", new java.io.ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(IOException.class);

        assertThat(store.open("a")).hasBinaryContent(new byte[] {42});
    }

    private String read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Yields {@code before} bytes, then throws, as an upload whose client went away. */
    private static final class FailingInputStream extends InputStream {
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
