package dev.gantry.generation.child;

import dev.gantry.training.GeneratorSampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last few loaded generators, least recently used first out. A client drawing batch after
 * batch from one checkpoint pays for decoding it and building the network once; an evicted
 * generator frees its libtorch memory at once.
 */
final class GeneratorCache implements AutoCloseable {

    private final int capacity;
    private final LinkedHashMap<String, GeneratorSampler> entries = new LinkedHashMap<>(16, 0.75f, true);

    GeneratorCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    GeneratorSampler get(String key) {
        return entries.get(key);
    }

    void put(String key, GeneratorSampler sampler) {
        GeneratorSampler previous = entries.put(key, sampler);
        if (previous != null && previous != sampler) {
            previous.close();
        }
        while (entries.size() > capacity) {
            Map.Entry<String, GeneratorSampler> eldest =
                    entries.entrySet().iterator().next();
            entries.remove(eldest.getKey());
            eldest.getValue().close();
        }
    }

    /** Keys, least recently used first. */
    List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public void close() {
        entries.values().forEach(GeneratorSampler::close);
        entries.clear();
    }
}
