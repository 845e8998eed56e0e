package dev.gantry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Content-addressed objects that several rows may name: the same bytes are stored once, and an
 * object is deleted only when no row names it any more.
 *
 * <p>The race this guards: one request deletes the last row naming an object while another
 * stores the same bytes for a new row. Both sides take a transaction-scoped advisory lock on the
 * key and decide under it: the storer re-puts the object if it vanished and records its row
 * before unlocking; the deleter counts rows naming the key (its own already gone) and deletes the
 * object only when there are none. Either the storer's row is visible to the deleter's count, or
 * the deleter's delete happened before the storer's existence check.
 */
public class SharedObjects {

    private static final String LOCK = "SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:key, 0))";

    private final ObjectStore store;
    private final JdbcClient jdbc;
    private final String countUsers;

    /** @param countUsers SQL counting the rows that name {@code :key} */
    protected SharedObjects(ObjectStore store, JdbcClient jdbc, String countUsers) {
        this.store = store;
        this.jdbc = jdbc;
        this.countUsers = countUsers;
    }

    /** Puts the file under the key unless an object is there already (same key, same bytes). Outside any transaction. */
    public void putIfAbsent(String key, Path file) {
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /**
     * Call inside the transaction that records the row naming the key, before it commits: locks
     * the key and puts the object again if a concurrent release deleted it since {@link #putIfAbsent}.
     */
    public void lockAndEnsure(String key, Path file) {
        lock(key);
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /**
     * Call inside the transaction that removed (or changed) the caller's row, after flushing it:
     * deletes the object when no row names it any more. Null keys are ignored.
     */
    public void release(String key) {
        if (key == null) {
            return;
        }
        lock(key);
        long users = jdbc.sql(countUsers).param("key", key).query(Long.class).single();
        if (users == 0) {
            store.delete(key);
        }
    }

    public InputStream open(String key) {
        return store.open(key);
    }

    public long size(String key) {
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
