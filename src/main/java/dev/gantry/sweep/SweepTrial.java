package dev.gantry.sweep;

import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One trial with the state of its job: absent ({@code jobId} null) until the driver submits it.
 *
 * @param params spec path to value, without the seed
 * @param failureReason the job's, such as {@code EARLY_STOPPED} for a trial ASHA stopped
 */
public record SweepTrial(
        int trial,
        int configuration,
        long seed,
        Map<String, JsonNode> params,
        long evalEvery,
        long steps,
        UUID jobId,
        String jobState,
        long step,
        String failureReason,
        String skippedReason) {

    public boolean active() {
        return jobState != null
                && (jobState.equals("QUEUED") || jobState.equals("RUNNING") || jobState.equals("CANCELLING"));
    }

    public boolean pending() {
        return jobId == null && skippedReason == null;
    }

    public boolean earlyStopped() {
        return SweepRepository.EARLY_STOPPED.equals(failureReason);
    }
}
