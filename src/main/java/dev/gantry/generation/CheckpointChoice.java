package dev.gantry.generation;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobConflictException;
import java.util.List;
import java.util.UUID;

/** The checkpoint a request names by {@code step}, or the job's latest, with the errors clients see. */
public final class CheckpointChoice {

    private CheckpointChoice() {}

    /**
     * @param step null for the latest
     * @throws JobConflictException when the job has no checkpoint yet (409)
     * @throws InvalidRequestException naming {@code step} when there is none at that step (400)
     */
    public static Artifact resolve(Artifacts artifacts, UUID jobId, Long step) {
        List<Artifact> all = artifacts.list(ArtifactKind.CHECKPOINT, jobId);
        if (all.isEmpty()) {
            throw new JobConflictException(
                    "job " + jobId + " has no checkpoint yet; one is written every checkpoints.everySteps"
                            + " and at the end of a run");
        }
        if (step == null) {
            return all.get(all.size() - 1);
        }
        return all.stream()
                .filter(a -> a.step() == step)
                .findFirst()
                .orElseThrow(() -> new InvalidRequestException(List.of(new FieldError(
                        "step",
                        "matches no checkpoint of the job: its checkpoints are at steps "
                                + all.stream().map(Artifact::step).toList()))));
    }
}
