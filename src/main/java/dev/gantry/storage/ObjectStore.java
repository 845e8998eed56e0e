package dev.gantry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Bytes by key: datasets, checkpoints, sample grids, exports. Postgres keeps the facts about
 * them; this keeps only the bytes.
 *
 * <p>Keys are relative paths: segments of {@code [A-Za-z0-9._-]} separated by {@code /}, no
 * empty, {@code .} or {@code ..} segment, at most 1024 characters. Every method refuses any other
 * key with {@link InvalidObjectKeyException}, so a key that works here also works on S3 and
 * cannot name anything outside the store.
 *
 * <p>Only {@link #put(String, InputStream)} declares {@link IOException}, because a failed upload
 * is an expected outcome its caller must handle; the other methods wrap I/O failures in
 * {@link UncheckedIOException}.
 */
public interface ObjectStore {

    /**
     * Stores the stream's bytes under the key, replacing any object there. Atomic: a concurrent
     * reader sees the whole old object or the whole new one, never a part; a put that fails (the
     * stream throws, the disk fills) leaves the old object, or none, as it was.
     */
    void put(String key, InputStream content) throws IOException;

    default void put(String key, byte[] bytes) {
        try {
            put(key, new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The caller closes the stream. @throws ObjectNotFoundException when there is no object */
    InputStream open(String key);

    boolean exists(String key);

    /** @throws ObjectNotFoundException when there is no object */
    long size(String key);

    /** Removes the object; an absent one is not an error, so retried deletes are harmless. */
    void delete(String key);

    /**
     * Keys that start with the prefix (a plain string prefix, not only whole segments:
     * {@code "jobs/7/ckpt-"} matches {@code "jobs/7/ckpt-000100"}), sorted.
     */
    List<String> list(String prefix);
}
