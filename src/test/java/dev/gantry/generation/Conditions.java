package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition, never on a fixed sleep. */
final class Conditions {

    private Conditions() {}

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", timeout).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Until the server's generation process has loaded libtorch and waits for requests: before
     * that a request is answered 503 with Retry-After, as it should be, which is not what these
     * tests are about. A loaded machine can take well over the idle start's 3.5 s.
     */
    static void awaitGenerationReady(GenerationProcesses processes) throws InterruptedException {
        await(() -> processes.idleCount() >= 1, Duration.ofSeconds(90));
    }
}
