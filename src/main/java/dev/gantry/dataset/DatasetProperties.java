package dev.gantry.dataset;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and settings of dataset uploads ({@code gantry.datasets.*}). Each upload gets its own
 * copy of the limits ({@link ZipLimits}); nothing here is a mutable static.
 *
 * @param maxUploadBytes the largest upload, counted as its bytes arrive (413 above it)
 * @param maxResolution the largest side a decoded image keeps; larger or mixed sizes are
 *     center-cropped and resized
 * @param maxImagePixels an image whose header claims more pixels is skipped before it is decoded
 * @param maxImages the most images one dataset holds
 * @param maxEntries the most entries a ZIP upload may have (checked before its directory is read)
 * @param maxEntryBytes the most bytes one ZIP entry may inflate to
 * @param maxInflatedBytes the most bytes all entries of one ZIP upload may inflate to together
 * @param maxInflateRatio the most an entry may inflate relative to its compressed size, checked on
 *     every read once {@code inflateRatioGraceBytes} have been inflated
 * @param inflateRatioGraceBytes inflated bytes of an entry before its ratio is checked (small
 *     entries compress extremely well legitimately)
 * @param decodeThreads datasets decoded at once
 * @param decodeQueue uploads waiting for a decode thread; beyond it uploads get 503
 * @param heartbeatInterval how often a server working on a dataset says so on its row
 * @param staleAfter a processing dataset whose heartbeat is this old is failed (its server died)
 * @param tempFolder where uploads are received; {@code ${gantry.data-dir}/tmp/datasets} by default
 */
@ConfigurationProperties("gantry.datasets")
public record DatasetProperties(
        @DefaultValue("2GB") DataSize maxUploadBytes,
        @DefaultValue("256") int maxResolution,
        @DefaultValue("40000000") long maxImagePixels,
        @DefaultValue("10000000") int maxImages,
        @DefaultValue("250000") int maxEntries,
        @DefaultValue("256MB") DataSize maxEntryBytes,
        @DefaultValue("8GB") DataSize maxInflatedBytes,
        @DefaultValue("100") int maxInflateRatio,
        @DefaultValue("1MB") DataSize inflateRatioGraceBytes,
        @DefaultValue("1") int decodeThreads,
        @DefaultValue("8") int decodeQueue,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("60s") Duration staleAfter,
        String tempFolder) {

    public DatasetProperties {
        require(maxUploadBytes.toBytes() >= 1, "gantry.datasets.max-upload-bytes must be at least 1 byte");
        require(maxResolution >= 1 && maxResolution <= 4096, "gantry.datasets.max-resolution must be 1 to 4096");
        require(maxImagePixels >= 1, "gantry.datasets.max-image-pixels must be at least 1");
        require(maxImages >= 1, "gantry.datasets.max-images must be at least 1");
        require(maxEntries >= 1, "gantry.datasets.max-entries must be at least 1");
        require(maxEntryBytes.toBytes() >= 1, "gantry.datasets.max-entry-bytes must be at least 1 byte");
        require(maxInflatedBytes.toBytes() >= 1, "gantry.datasets.max-inflated-bytes must be at least 1 byte");
        require(maxInflateRatio >= 1, "gantry.datasets.max-inflate-ratio must be at least 1");
        require(decodeThreads >= 1, "gantry.datasets.decode-threads must be at least 1");
        require(decodeQueue >= 0, "gantry.datasets.decode-queue must be 0 or more");
        require(
                heartbeatInterval.toMillis() >= 10 && staleAfter.compareTo(heartbeatInterval.multipliedBy(3)) >= 0,
                "gantry.datasets.stale-after must be at least three heartbeat intervals");
    }

    ZipLimits zipLimits() {
        return new ZipLimits(
                maxEntries,
                maxEntryBytes.toBytes(),
                maxInflatedBytes.toBytes(),
                maxInflateRatio,
                inflateRatioGraceBytes.toBytes());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
