package dev.gantry.dataset;

import dev.gantry.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Dataset bytes in the object store, content-addressed: {@code datasets/uploads/<sha256>} and
 * {@code datasets/tensors/<sha256>}. The same bytes are stored once, and several rows may name
 * one object, so an object is deleted only when no row names it any more.
 *
 * <p>The race this guards: one request deletes the last row naming an object while another
 * stores the same bytes for a new row. Both sides take a transaction-scoped advisory lock on the
 * key and decide under it: the storer re-puts the object if it vanished and records its row
 * before unlocking; the deleter counts rows naming the key (its own already gone) and deletes the
 * object only when there are none. Either the storer's row is visible to the deleter's count, or
 * the deleter's delete happened before the storer's existence check.
 */
@Component
class DatasetObjects {

    static final String UPLOADS = "datasets/uploads/";
    static final String TENSORS = "datasets/tensors/";

    private static final String LOCK = "SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:key, 0))";

    private final ObjectStore store;
    private final JdbcClient jdbc;

    DatasetObjects(ObjectStore store, JdbcClient jdbc) {
        this.store = store;
        this.jdbc = jdbc;
    }

    /** Puts the file under the key unless an object is there already (same key, same bytes). Outside any transaction. */
    void putIfAbsent(String key, Path file) {
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /**
     * Call inside the transaction that records the row naming the key, before it commits: locks
     * the key and puts the object again if a concurrent release deleted it since {@link #putIfAbsent}.
     */
    void lockAndEnsure(String key, Path file) {
        lock(key);
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /**
     * Call inside the transaction that removed (or changed) the caller's row, after flushing it:
     * deletes the object when no row names it any more. Null keys are ignored.
     */
    void release(String key) {
        if (key == null) {
            return;
        }
        lock(key);
        long users = jdbc.sql("SELECT count(*) FROM datasets WHERE upload_key = :key OR tensor_key = :key")
                .param("key", key)
                .query(Long.class)
                .single();
        if (users == 0) {
            store.delete(key);
        }
    }

    InputStream open(String key) {
        return store.open(key);
    }

    long size(String key) {
        return store.size(key);
    }

    private void lock(String key) {
        jdbc.sql(LOCK).param("key", key).query(Integer.class).single();
    }

    private void put(String key, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            store.put(key, in);
        } catch (IOException e) {
            throw new UncheckedIOException("storing " + key + " failed", e);
        }
    }
}
