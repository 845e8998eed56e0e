package dev.gantry.dataset;

import java.util.List;
import java.util.Map;

/** A decoded upload with its stored tensor: what a {@code READY} row records. */
record DecodedDataset(
        int count,
        int channels,
        int height,
        int width,
        List<String> classNames,
        List<Integer> classCounts,
        Map<String, Integer> skipped,
        String preprocessing,
        long tensorBytes,
        String tensorSha256) {

    static DecodedDataset of(Decoded decoded, Map<String, Integer> skipped, long tensorBytes, String tensorSha256) {
        return new DecodedDataset(
                decoded.count(),
                decoded.channels(),
                decoded.height(),
                decoded.width(),
                decoded.classNames(),
                decoded.classCounts(),
                skipped,
                decoded.preprocessing(),
                tensorBytes,
                tensorSha256);
    }
}
