package dev.gantry.artifact;

import java.util.UUID;

/** An artifact's stored bytes differ from the size or SHA-256 recorded when it was saved. */
public class CorruptArtifactException extends RuntimeException {

    public CorruptArtifactException(ArtifactKind kind, UUID jobId, long step) {
        super("The stored " + kind.name().toLowerCase() + " of job " + jobId + " at step " + step
                + " does not match its recorded size and SHA-256");
    }
}
