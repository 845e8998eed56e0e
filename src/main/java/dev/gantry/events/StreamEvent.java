package dev.gantry.events;

import java.util.Set;
import java.util.UUID;

/**
 * One row of the event log as a stream sends it.
 *
 * @param position the SSE id: increasing in the order the events were committed
 * @param data one-line JSON, always with {@code jobId}
 * @param state the job's state, for a {@code state} event; null otherwise
 */
public record StreamEvent(long position, UUID projectId, UUID jobId, String type, String data, String state) {

    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    public boolean terminal() {
        return isTerminal(state);
    }

    static boolean isTerminal(String state) {
        return state != null && TERMINAL.contains(state);
    }
}
