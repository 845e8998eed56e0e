package dev.gantry.features;

import dev.gantry.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Module bytes in the object store, content-addressed: {@code feature-networks/<sha256>}. The same
 * module uploaded twice (with two descriptors, say) is stored once, so an object is deleted only
 * when no row names it. As for datasets ({@code dataset.DatasetObjects}), both sides of the race
 * (a new row for the key, the last row's delete) decide under a transaction-scoped advisory lock
 * on the key.
 */
@Component
class FeatureNetworkObjects {

    static final String PREFIX = "feature-networks/";

    private static final String LOCK = "SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:key, 0))";

    private final ObjectStore store;
    private final JdbcClient jdbc;

    FeatureNetworkObjects(ObjectStore store, JdbcClient jdbc) {
        this.store = store;
        this.jdbc = jdbc;
    }

    /** Outside any transaction: stores the file unless the same bytes are there already. */
    void putIfAbsent(String key, Path file) {
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /** Inside the transaction that records the row naming the key: puts it again if a release deleted it meanwhile. */
    void lockAndEnsure(String key, Path file) {
        lock(key);
        if (!store.exists(key)) {
            put(key, file);
        }
    }

    /** Inside the transaction that removed (or failed) the caller's row, after flushing it. Null keys are ignored. */
    void release(String key) {
        if (key == null) {
            return;
        }
        lock(key);
        long users = jdbc.sql("SELECT count(*) FROM feature_networks WHERE module_key = :key")
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
