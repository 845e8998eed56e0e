package dev.gantry.artifact;

public enum ArtifactKind {
    CHECKPOINT("checkpoints", ".ckpt"),
    SAMPLE("samples", ".png");

    private final String table;
    private final String extension;

    ArtifactKind(String table, String extension) {
        this.table = table;
        this.extension = extension;
    }

    String table() {
        return table;
    }

    /** Zero-padded steps keep object listings in step order. */
    String objectKey(java.util.UUID jobId, long step) {
        return "jobs/%s/%s/%012d%s".formatted(jobId, table, step, extension);
    }
}
