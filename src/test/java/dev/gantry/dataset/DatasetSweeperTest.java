package dev.gantry.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.GantryIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rows left PROCESSING by a server that died: failed, their objects and temp files let go. */
@GantryIntegrationTest
class DatasetSweeperTest {

    @Autowired
    DatasetSweeper sweeper;

    @Autowired
    DatasetProcessor processor;

    @Autowired
    DatasetTempFolder tempFolder;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore store;

    private UUID processing(String owner, Instant heartbeat, String uploadKey) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO datasets (id, project_id, name, format, state, phase, owner, heartbeat_at, upload_key,
                                              created_at, updated_at)
                        VALUES (:id, '00000000-0000-0000-0000-000000000001', 'orphan', 'zip', 'PROCESSING', 'decode', :owner, :heartbeat, :key, now(), now())
                        """)
                .param("id", id)
                .param("owner", owner)
                .param("heartbeat", java.sql.Timestamp.from(heartbeat))
                .param("key", uploadKey)
                .update();
        return id;
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.sql("SELECT state, failure_reason, upload_key, owner FROM datasets WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
    }

    @Test
    void a_row_whose_heartbeat_stopped_is_failed_and_its_object_deleted() {
        String key = "datasets/uploads/" + "a".repeat(63)
                + UUID.randomUUID().toString().charAt(0);
        store.put(key, new byte[] {1, 2, 3});
        UUID stale = processing("elsewhere:1:abc", Instant.now().minusSeconds(600), key);
        UUID live = processing("elsewhere:2:def", Instant.now(), null);

        sweeper.sweepStale();

        assertThat(row(stale)).containsEntry("state", "FAILED").containsEntry("upload_key", null);
        assertThat(row(stale).get("failure_reason")).isEqualTo(DatasetSweeper.ABANDONED);
        assertThat(store.exists(key)).isFalse();
        assertThat(row(live)).containsEntry("state", "PROCESSING");
        jdbc.sql("DELETE FROM datasets WHERE id = :id").param("id", live).update();
    }

    @Test
    void at_start_up_rows_of_a_dead_process_on_this_host_fail_at_once_and_their_temp_files_go() throws Exception {
        String host = processor.owner().substring(0, processor.owner().indexOf(':') + 1);
        // A pid above the kernel's maximum (2^22) is never running.
        UUID dead = processing(host + "99999999:old", Instant.now(), null);
        UUID mine = processing(processor.owner(), Instant.now(), null);
        Files.createDirectories(tempFolder.path());
        Path deadFile = Files.createFile(tempFolder.path().resolve(dead + ".upload"));
        Path orphan = Files.createFile(tempFolder.path().resolve(UUID.randomUUID() + ".tensor"));
        Path mineFile = Files.createFile(tempFolder.path().resolve(mine + ".upload"));

        sweeper.sweepAtStartup();

        assertThat(row(dead)).containsEntry("state", "FAILED");
        assertThat(row(mine)).containsEntry("state", "PROCESSING");
        assertThat(deadFile).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(mineFile).exists();
        jdbc.sql("DELETE FROM datasets WHERE id = :id").param("id", mine).update();
        Files.delete(mineFile);
    }
}
