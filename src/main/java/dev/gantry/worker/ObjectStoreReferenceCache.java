package dev.gantry.worker;

import dev.gantry.storage.ObjectStore;
import dev.gantry.training.eval.ReferenceCache;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference features in the object store under {@code eval/reference/<sha256>.bin}: content
 * addressed, so any worker and any job on the same images, resolution, network and settings finds
 * them, and nothing ever needs invalidating. A store that fails costs a recomputation, never the run.
 */
final class ObjectStoreReferenceCache implements ReferenceCache {

    private static final Logger log = LoggerFactory.getLogger(ObjectStoreReferenceCache.class);

    static final String PREFIX = "eval/reference/";

    private final ObjectStore store;

    ObjectStoreReferenceCache(ObjectStore store) {
        this.store = store;
    }

    static String objectKey(String key) {
        return PREFIX + key + ".bin";
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            if (!store.exists(objectKey(key))) {
                return Optional.empty();
            }
            try (InputStream in = store.open(objectKey(key))) {
                return Optional.of(in.readAllBytes());
            }
        } catch (Exception e) {
            log.warn("Reference features {} not read, recomputing: {}", key, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        try {
            store.put(objectKey(key), bytes);
            log.info("Reference features cached as {} ({} bytes)", objectKey(key), bytes.length);
        } catch (RuntimeException e) {
            log.warn("Reference features {} not cached: {}", key, e.toString());
        }
    }
}
