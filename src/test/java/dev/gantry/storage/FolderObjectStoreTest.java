package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the folder store has to get right; the {@link ObjectStore} contract itself runs in
 * {@link FolderStoreContractTest}.
 */
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
    void a_put_into_a_path_whose_folder_is_an_object_fails_without_harming_that_object() {
        store.put("a", new byte[] {42});

        assertThatThrownBy(() -> store.put("a/b", new java.io.ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(IOException.class);

        assertThat(store.open("a")).hasBinaryContent(new byte[] {42});
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
