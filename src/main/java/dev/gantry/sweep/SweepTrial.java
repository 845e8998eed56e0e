package dev.gantry.sweep;

import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One trial with the state of its job: absent ({@code jobId} null) until the driver submits it.
 *
 * @param params spec path to value, without the seed
 * @param failureReason the job's, such as {@code EARLY_STOPPED} for a trial ASHA stopped
 * @param member the PBT member it trains, null outside PBT
 * @param parentTrial a PBT replacement's parent: the trial whose checkpoint it forks
 * @param parentStep that checkpoint's step, the decision step it replaced its member at
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
        String skippedReason,
        Integer member,
        Integer parentTrial,
        Long parentStep) {

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

    public boolean exploited() {
        return SweepRepository.EXPLOITED.equals(failureReason);
    }

    /** The step it trains from: 0, or its parent's checkpoint. */
    long startStep() {
        return parentStep == null ? 0 : parentStep;
    }
}
