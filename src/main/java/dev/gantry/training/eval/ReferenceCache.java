package dev.gantry.training.eval;

import java.util.Optional;

/**
 * Where reference features are kept between runs, by content address (a SHA-256 of everything
 * they depend on). The worker backs it with the object store; a run without one recomputes.
 */
public interface ReferenceCache {

    ReferenceCache NONE = new ReferenceCache() {
        @Override
        public Optional<byte[]> get(String key) {
            return Optional.empty();
        }

        @Override
        public void put(String key, byte[] bytes) {}
    };

    Optional<byte[]> get(String key);

    /** Best effort: a failed put costs the next run a recomputation, never this one its result. */
    void put(String key, byte[] bytes);
}
