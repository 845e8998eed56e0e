package dev.gantry.dataset;

import java.util.List;

/**
 * What a decoder wrote into the tensor file.
 *
 * @param classCounts images per class, index order; empty when unlabeled
 * @param preprocessing what was done to fit the images into one shape, or null for nothing
 */
record Decoded(
        int count,
        int channels,
        int height,
        int width,
        List<String> classNames,
        List<Integer> classCounts,
        String preprocessing) {}
