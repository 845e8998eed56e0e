package dev.gantry.generation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param localCount generation processes the server runs beside its workers (each draws one
 *     request at a time); 0 turns {@code generate} off
 * @param jvmOptions JVM options of those processes, split on spaces
 * @param torchThreads libtorch intra-op threads of each (see {@code gantry.worker.torch-threads})
 * @param cacheSize loaded generators each process keeps, by (job, step)
 * @param acquireWait how long a request waits for a free process before the answer is 503
 * @param requestTimeout a process that takes longer on one request is killed and restarted
 * @param startTimeout a process that has not loaded libtorch within this is killed and restarted
 */
@ConfigurationProperties("gantry.generation")
public record GenerationProperties(
        @DefaultValue("1") int localCount,
        @DefaultValue("-Xmx512m") String jvmOptions,
        @DefaultValue("1") int torchThreads,
        @DefaultValue("4") int cacheSize,
        @DefaultValue("1s") Duration acquireWait,
        @DefaultValue("60s") Duration requestTimeout,
        @DefaultValue("60s") Duration startTimeout) {

    /** A bad value fails the server's start, not every start of a child. */
    public GenerationProperties {
        if (localCount < 0 || torchThreads < 1 || cacheSize < 1) {
            throw new IllegalArgumentException("gantry.generation: local-count must be >= 0, torch-threads and"
                    + " cache-size >= 1; got " + localCount + ", " + torchThreads + ", " + cacheSize);
        }
        if (acquireWait.isNegative() || !positive(requestTimeout) || !positive(startTimeout)) {
            throw new IllegalArgumentException(
                    "gantry.generation: acquire-wait must be >= 0, request-timeout and start-timeout > 0");
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
