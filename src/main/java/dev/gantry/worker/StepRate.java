package dev.gantry.worker;

import java.util.ArrayDeque;

/** Steps per second over the last few seconds, so the rate and ETA follow the run's current pace. */
final class StepRate {

    private static final long WINDOW_NANOS = 10_000_000_000L;

    private record Sample(long step, long nanos) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    synchronized void record(long step, long nanos) {
        samples.addLast(new Sample(step, nanos));
        while (samples.size() > 2 && nanos - samples.peekFirst().nanos() > WINDOW_NANOS) {
            samples.removeFirst();
        }
    }

    /** Null until two steps have been seen. */
    synchronized Double perSecond() {
        if (samples.size() < 2) {
            return null;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long nanos = last.nanos() - first.nanos();
        return nanos <= 0 ? null : (last.step() - first.step()) * 1e9 / nanos;
    }
}
