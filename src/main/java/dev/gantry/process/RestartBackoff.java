package dev.gantry.process;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * How long to wait before starting a child again: 1 s after the first exit, doubling up to 30 s
 * while the child keeps dying young, and back to 1 s once a child has run for a minute. A child
 * that crashes at start (a bad option, a missing library) then costs one restart every 30 s, not
 * a busy loop; one that crashed after serving for a while is back at once.
 */
public final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

    private final InstantSource clock;
    private Duration next = FIRST;
    private Instant startedAt;

    public RestartBackoff(InstantSource clock) {
        this.clock = clock;
    }

    /** The child was (re)started now. */
    public synchronized void started() {
        startedAt = clock.instant();
    }

    /** The child exited now (or could not start): the pause before the next start. */
    public synchronized Duration exited() {
        if (startedAt != null && Duration.between(startedAt, clock.instant()).compareTo(HEALTHY_RUN) > 0) {
            next = FIRST;
        }
        startedAt = null;
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return wait;
    }
}
