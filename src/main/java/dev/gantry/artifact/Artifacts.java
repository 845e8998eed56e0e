package dev.gantry.artifact;

import dev.gantry.storage.InvalidObjectKeyException;
import dev.gantry.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checkpoints and sample images: bytes in the object store, one row each in PostgreSQL. The row
 * is written only after the bytes are durable, so nothing half-written is ever listed, offered
 * for resume or downloaded.
 */
@Component
public class Artifacts {

    private static final Logger log = LoggerFactory.getLogger(Artifacts.class);
    private static final Duration MAX_PUT_BACKOFF = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final ObjectStore store;
    private final RetryTemplate putRetry;

    /**
     * @param putAttempts tries of each object-store write before the save fails
     * @param putBackoff pause after the first failed try, doubled after each further one
     */
    public Artifacts(
            JdbcClient jdbc,
            ObjectStore store,
            @Value("${gantry.storage.put-attempts:5}") int putAttempts,
            @Value("${gantry.storage.put-backoff:500ms}") Duration putBackoff) {
        this.jdbc = jdbc;
        this.store = store;
        // A bad key will not get better by waiting; anything else (a full disk, a network blip) may.
        this.putRetry = new RetryTemplate(RetryPolicy.builder()
                .maxRetries(Math.max(0, putAttempts - 1))
                .delay(putBackoff)
                .multiplier(2)
                .maxDelay(MAX_PUT_BACKOFF)
                .predicate(e -> !(e instanceof InvalidObjectKeyException))
                .build());
        this.putRetry.setRetryListener(new RetryListener() {
            @Override
            public void onRetryFailure(RetryPolicy policy, Retryable<?> retryable, Throwable failure) {
                log.warn("Writing {} failed; retrying: {}", retryable.getName(), failure.toString());
            }
        });
    }

    /**
     * Stores an artifact for the run holding {@code attempt}; keeps the newest {@code keepLast}.
     * @return false when the run lost its lease: the artifact is not recorded
     * @throws ArtifactStoreException when the object store refused the bytes on every try; nothing
     *     is recorded then
     */
    public boolean save(ArtifactKind kind, UUID jobId, int attempt, long step, byte[] bytes, int keepLast) {
        return save(kind, jobId, attempt, step, bytes, keepLast, null);
    }

    /**
     * The same, keeping beside the newest {@code keepLast} the best checkpoints by an evaluation
     * metric ({@code null}: none). The run writes a step's evaluation before its checkpoint, so a
     * checkpoint ranks from the moment it is recorded.
     */
    public boolean save(
            ArtifactKind kind, UUID jobId, int attempt, long step, byte[] bytes, int keepLast, BestBy best) {
        String key = kind.objectKey(jobId, step);
        try {
            putRetry.execute(new Retryable<Void>() {
                @Override
                public Void execute() {
                    store.put(key, bytes);
                    return null;
                }

                @Override
                public String getName() {
                    return key;
                }
            });
        } catch (RetryException e) {
            throw new ArtifactStoreException(key, e.getExceptions().size(), e.getCause());
        }
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
        prune(kind, jobId, keepLast, best);
        return true;
    }

    private List<Artifact> query(ArtifactKind kind, UUID jobId, String orderAndLimit) {
        return jdbc.sql("SELECT step, size_bytes, sha256, created_at FROM %s WHERE job_id = :job %s"
                        .formatted(kind.table(), orderAndLimit))
                .param("job", jobId)
                .query((rs, n) -> new Artifact(
                        rs.getLong("step"),
                        rs.getLong("size_bytes"),
                        rs.getString("sha256"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    public List<Artifact> list(ArtifactKind kind, UUID jobId) {
        return query(kind, jobId, "ORDER BY step");
    }

    public Optional<Artifact> latest(ArtifactKind kind, UUID jobId) {
        return query(kind, jobId, "ORDER BY step DESC LIMIT 1").stream().findFirst();
    }

    /** The row an artifact was recorded with: where its bytes are and what they must be. */
    private record Recorded(String objectKey, long sizeBytes, String sha256) {}

    private Recorded recorded(ArtifactKind kind, UUID jobId, long step) {
        return jdbc.sql("SELECT object_key, size_bytes, sha256 FROM %s WHERE job_id = :job AND step = :step"
                        .formatted(kind.table()))
                .param("job", jobId)
                .param("step", step)
                .query((rs, n) ->
                        new Recorded(rs.getString("object_key"), rs.getLong("size_bytes"), rs.getString("sha256")))
                .optional()
                .orElseThrow(() -> new ArtifactNotFoundException(kind, jobId, step));
    }

    /** Only a recorded artifact is served, from the object key its row names. */
    public InputStream open(ArtifactKind kind, UUID jobId, long step) {
        return store.open(recorded(kind, jobId, step).objectKey());
    }

    /**
     * The artifact's bytes, checked against the size and SHA-256 recorded when it was saved.
     *
     * @throws CorruptArtifactException when the stored bytes are not the ones that were saved
     */
    public byte[] read(ArtifactKind kind, UUID jobId, long step) {
        Recorded recorded = recorded(kind, jobId, step);
        byte[] bytes;
        try (InputStream in = store.open(recorded.objectKey())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length != recorded.sizeBytes() || !sha256(bytes).equals(recorded.sha256())) {
            throw new CorruptArtifactException(kind, jobId, step);
        }
        return bytes;
    }

    /**
     * The steps of the best {@code best.count()} checkpoints by their metric, earlier steps first
     * among equal values; checkpoints without a value (or NaN) do not rank.
     */
    private static final String BEST_STEPS = """
            SELECT c.step
            FROM checkpoints c
            JOIN metric_points m ON m.job_id = c.job_id AND m.step = c.step AND m.name = :metric
            WHERE c.job_id = :job AND m.value <> 'NaN'::float8
            ORDER BY m.value %s, c.step
            LIMIT :best
            """;

    private void prune(ArtifactKind kind, UUID jobId, int keepLast, BestBy best) {
        String keptForMetric = best == null
                ? ""
                : "AND step NOT IN (" + BEST_STEPS.formatted(best.lowerIsBetter() ? "ASC" : "DESC") + ")";
        var delete = jdbc.sql("""
                        DELETE FROM %s WHERE job_id = :job AND step NOT IN
                            (SELECT step FROM %s WHERE job_id = :job ORDER BY step DESC LIMIT :keep)
                        %s
                        RETURNING object_key
                        """.formatted(kind.table(), kind.table(), keptForMetric))
                .param("job", jobId)
                .param("keep", keepLast);
        if (best != null) {
            delete = delete.param("metric", best.metric()).param("best", best.count());
        }
        List<String> stale = delete.query(String.class).list();
        // Rows go first: an object without a row is invisible, a row without its object would not be.
        stale.forEach(store::delete);
    }

    /** The best checkpoint by {@code best}'s metric, if any checkpoint has a value yet. */
    public Optional<Artifact> best(UUID jobId, BestBy best) {
        return jdbc.sql(BEST_STEPS.formatted(best.lowerIsBetter() ? "ASC" : "DESC"))
                .param("job", jobId)
                .param("metric", best.metric())
                .param("best", 1)
                .query(Long.class)
                .optional()
                .flatMap(step -> query(ArtifactKind.CHECKPOINT, jobId, "AND step = " + step).stream()
                        .findFirst());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
