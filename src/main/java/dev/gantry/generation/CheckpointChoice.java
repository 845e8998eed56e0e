package dev.gantry.generation;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.artifact.BestBy;
import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.Job;
import dev.gantry.job.JobConflictException;
import dev.gantry.job.JobSpec;
import java.util.List;
import java.util.UUID;

/**
 * The checkpoint a request names by {@code step}: a step, {@code best} (the best by the job's
 * {@code checkpoints.keepBest} metric), or nothing for the job's latest; with the errors clients see.
 */
public final class CheckpointChoice {

    public static final String BEST = "best";

    private CheckpointChoice() {}

    /**
     * @param step null for the latest, {@value #BEST}, or a step in decimal digits
     * @throws InvalidRequestException naming {@code step} when it is none of those, when there is no
     *     checkpoint at that step, or for {@code best} on a job without {@code checkpoints.keepBest}
     * @throws JobConflictException when the job has no checkpoint yet, or none with a value of the
     *     metric yet (409)
     */
    public static Artifact resolve(Artifacts artifacts, Job job, String step) {
        if (step == null) {
            return resolve(artifacts, job.id(), null);
        }
        if (step.equals(BEST)) {
            JobSpec.KeepBest best = job.spec().checkpoints().keepBest();
            if (best == null) {
                throw new InvalidRequestException(List.of(new FieldError(
                        "step",
                        "'best' needs checkpoints.keepBest in the job's spec; this job keeps the latest only")));
            }
            resolve(artifacts, job.id(), null); // 409 before the first checkpoint, as for a step
            return artifacts
                    .best(job.id(), BestBy.of(best.metric(), best.goal(), best.count()))
                    .orElseThrow(() -> new JobConflictException("no checkpoint of job " + job.id() + " has a value of "
                            + best.metric() + " yet; it is measured every evaluation.everySteps"));
        }
        if (!step.matches("[0-9]{1,18}")) {
            throw new InvalidRequestException(
                    List.of(new FieldError("step", "must be a checkpoint's step (a whole number) or \"best\"")));
        }
        return resolve(artifacts, job.id(), Long.parseLong(step));
    }

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
