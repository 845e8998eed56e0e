package dev.gantry.artifact;

/** The object store refused an artifact's bytes on every try; no row was written for it. */
public class ArtifactStoreException extends RuntimeException {

    public ArtifactStoreException(String key, int tries, Throwable cause) {
        super("Could not store " + key + " after " + tries + " tries: " + cause, cause);
    }
}
