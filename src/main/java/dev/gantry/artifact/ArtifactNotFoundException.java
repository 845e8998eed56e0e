package dev.gantry.artifact;

import java.util.UUID;

public class ArtifactNotFoundException extends RuntimeException {

    public ArtifactNotFoundException(ArtifactKind kind, UUID jobId, long step) {
        super("Job " + jobId + " has no " + kind.name().toLowerCase() + " at step " + step);
    }
}
