package dev.gantry.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A dataset as the API shows it, built-in or uploaded.
 *
 * @param id the uuid of an upload, or the name of a built-in set
 * @param kind {@code images} or {@code points}
 * @param format {@code zip}, {@code idx} or {@code npy}; null for built-in sets (and while an
 *     upload that did not declare one arrives)
 * @param classes the classes in label order with their image counts; empty when unlabeled
 * @param progress how far processing is; null once READY or FAILED
 */
public record DatasetView(
        String id,
        String name,
        boolean builtIn,
        String kind,
        String description,
        String format,
        DatasetState state,
        String failureReason,
        Integer count,
        Integer channels,
        Integer height,
        Integer width,
        List<ClassCount> classes,
        Map<String, Integer> skipped,
        String preprocessing,
        Long uploadBytes,
        String uploadSha256,
        String tensorSha256,
        Progress progress,
        Instant createdAt,
        Instant updatedAt) {

    /** @param count null for built-in sets, whose counts are not stored */
    public record ClassCount(String name, Integer count) {}

    /** @param phase {@code upload} (bytes arriving) or {@code decode} (items being decoded) */
    public record Progress(String phase, long bytesReceived, int itemsProcessed, Integer itemsTotal) {}
}
