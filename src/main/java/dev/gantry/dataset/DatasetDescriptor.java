package dev.gantry.dataset;

import java.util.List;

/**
 * What a job needs to know of the dataset it trains on, fixed when it is submitted.
 *
 * @param id the uuid of an upload, or the name of a built-in set
 * @param builtIn true for the sets generated in code ({@code training.data.BuiltInDatasets})
 * @param channels 0 for a set of 2-D points
 * @param tensorKey the object holding the decoded tensor; null for built-in sets
 * @param tensorSha256 the SHA-256 of that object, checked when it is read
 */
public record DatasetDescriptor(
        String id,
        boolean builtIn,
        int count,
        int channels,
        int height,
        int width,
        List<String> classNames,
        String tensorKey,
        long tensorBytes,
        String tensorSha256) {}
