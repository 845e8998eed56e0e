package dev.gantry.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.storage.FolderObjectStore;
import dev.gantry.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Object-store write failures on a real folder store and a real PostgreSQL. */
class ArtifactStoreFaultTest {

    @TempDir
    Path folder;

    JdbcClient jdbc;
    FlakyObjectStore store;
    Artifacts artifacts;
    UUID job;

    @BeforeEach
    void setUp() {
        jdbc = JdbcClient.create(TestDatabase.migrated());
        store = new FlakyObjectStore(new FolderObjectStore(folder));
        artifacts = new Artifacts(jdbc, store, 4, Duration.ofMillis(20));
        job = UUID.randomUUID();
        jdbc.sql(
                        "INSERT INTO jobs (id, project_id, name, state, spec, total_steps) VALUES (?, '00000000-0000-0000-0000-000000000001', 'store-faults', 'RUNNING', '{}', 1000)")
                .params(job)
                .update();
    }

    @Test
    void a_write_that_fails_is_retried_with_backoff_and_recorded_once_durable() {
        byte[] checkpoint = bytes(100_000, 1);
        store.failNextPuts(3);

        long started = System.nanoTime();
        boolean saved = artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 100, checkpoint, 2);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(saved).isTrue();
        assertThat(store.puts()).isEqualTo(4);
        // Backoff 20, 40, 80 ms between the four tries.
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(140);
        assertThat(artifacts.read(ArtifactKind.CHECKPOINT, job, 100)).isEqualTo(checkpoint);
        assertThat(artifacts.list(ArtifactKind.CHECKPOINT, job))
                .extracting(Artifact::step)
                .containsExactly(100L);
    }

    @Test
    void a_write_that_keeps_failing_records_nothing_and_leaves_the_last_good_checkpoint_for_resume()
            throws IOException {
        byte[] good = bytes(50_000, 2);
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 100, good, 2))
                .isTrue();
        store.failNextPuts(Integer.MAX_VALUE);

        assertThatThrownBy(() -> artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 200, bytes(50_000, 3), 2))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageContaining("after 4 tries");

        assertThat(artifacts.latest(ArtifactKind.CHECKPOINT, job))
                .map(Artifact::step)
                .contains(100L);
        assertThat(artifacts.read(ArtifactKind.CHECKPOINT, job, 100)).isEqualTo(good);
        String halfWritten = ArtifactKind.CHECKPOINT.objectKey(job, 200);
        assertThat(store.exists(halfWritten)).isFalse();
        assertThat(store.list("jobs/" + job)).containsExactly(ArtifactKind.CHECKPOINT.objectKey(job, 100));
        try (var files = Files.walk(folder)) {
            assertThat(files.filter(Files::isRegularFile).count())
                    .as("no partial file left behind")
                    .isEqualTo(1);
        }
    }

    @Test
    void a_run_whose_attempt_is_stale_records_nothing() {
        jdbc.sql("UPDATE jobs SET attempt = 2 WHERE id = ?").params(job).update();

        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 100, bytes(1000, 5), 2))
                .isFalse();

        assertThat(artifacts.list(ArtifactKind.CHECKPOINT, job)).isEmpty();
    }

    @Test
    void bytes_changed_in_the_store_after_saving_are_refused_on_read() throws IOException {
        byte[] checkpoint = bytes(10_000, 4);
        artifacts.save(ArtifactKind.CHECKPOINT, job, 1, 300, checkpoint, 2);
        Path file = folder.resolve(ArtifactKind.CHECKPOINT.objectKey(job, 300));
        byte[] flipped = Files.readAllBytes(file);
        flipped[5000] ^= 1;
        Files.write(file, flipped);

        assertThatThrownBy(() -> artifacts.read(ArtifactKind.CHECKPOINT, job, 300))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("step 300");
    }

    private static byte[] bytes(int size, long seed) {
        byte[] out = new byte[size];
        new Random(seed).nextBytes(out);
        return out;
    }
}
