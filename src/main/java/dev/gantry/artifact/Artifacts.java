package dev.gantry.artifact;

import dev.gantry.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checkpoints and sample images: bytes in the object store, one row each in PostgreSQL. The row
 * is written only after the bytes are durable, so nothing half-written is ever listed, offered
 * for resume or downloaded.
 */
@Component
public class Artifacts {

    private final JdbcClient jdbc;
    private final ObjectStore store;

    Artifacts(JdbcClient jdbc, ObjectStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    /**
     * Stores an artifact for the run holding {@code attempt}; keeps the newest {@code keepLast}.
     * @return false when the run lost its lease: the artifact is not recorded
     */
    public boolean save(ArtifactKind kind, UUID jobId, int attempt, long step, byte[] bytes, int keepLast) {
        String key = kind.objectKey(jobId, step);
        store.put(key, bytes);
        // Fenced: only the run that holds the job's current attempt may record it.
        int rows = jdbc.sql("""
                        INSERT INTO %s (job_id, step, attempt, object_key, size_bytes, sha256)
                        SELECT id, :step, attempt, :key, :size, :sha FROM jobs WHERE id = :job AND attempt = :attempt
                        ON CONFLICT (job_id, step) DO UPDATE
                           SET attempt = excluded.attempt, size_bytes = excluded.size_bytes,
                               sha256 = excluded.sha256, created_at = now()
                        """.formatted(kind.table()))
                .param("job", jobId)
                .param("attempt", attempt)
                .param("step", step)
                .param("key", key)
                .param("size", bytes.length)
                .param("sha", sha256(bytes))
                .update();
        if (rows == 0) {
            return false;
        }
        prune(kind, jobId, keepLast);
        return true;
    }

    private List<Artifact> query(ArtifactKind kind, UUID jobId, String orderAndLimit) {
        return jdbc.sql("SELECT step, size_bytes, sha256, created_at FROM %s WHERE job_id = :job %s"
                        .formatted(kind.table(), orderAndLimit))
                .param("job", jobId)
                .query((rs, n) -> new Artifact(rs.getLong("step"), rs.getLong("size_bytes"), rs.getString("sha256"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    public List<Artifact> list(ArtifactKind kind, UUID jobId) {
        return query(kind, jobId, "ORDER BY step");
    }

    public Optional<Artifact> latest(ArtifactKind kind, UUID jobId) {
        return query(kind, jobId, "ORDER BY step DESC LIMIT 1").stream().findFirst();
    }

    /** Only a recorded artifact is served, from the object key its row names. */
    public InputStream open(ArtifactKind kind, UUID jobId, long step) {
        String key = jdbc.sql("SELECT object_key FROM %s WHERE job_id = :job AND step = :step".formatted(kind.table()))
                .param("job", jobId).param("step", step).query(String.class).optional()
                .orElseThrow(() -> new ArtifactNotFoundException(kind, jobId, step));
        return store.open(key);
    }

    public byte[] read(ArtifactKind kind, UUID jobId, long step) {
        try (InputStream in = open(kind, jobId, step)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prune(ArtifactKind kind, UUID jobId, int keepLast) {
        List<String> stale = jdbc.sql("""
                        DELETE FROM %s WHERE job_id = :job AND step NOT IN
                            (SELECT step FROM %s WHERE job_id = :job ORDER BY step DESC LIMIT :keep)
                        RETURNING object_key
                        """.formatted(kind.table(), kind.table()))
                .param("job", jobId).param("keep", keepLast).query(String.class).list();
        // Rows go first: an object without a row is invisible, a row without its object would not be.
        stale.forEach(store::delete);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
