package dev.gantry.dataset;

import dev.gantry.training.data.ImageTensorFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** What a decoder gets: the upload's settings and limits, where to write, and where to report. */
final class DecodeContext {

    /** Told how far decoding is; a decoder calls it after every item, the listener throttles. */
    interface Progress {
        void report(int processed, Integer total);
    }

    private final DatasetProperties settings;
    private final ZipLimits limits;
    private final Path tensorFile;
    private final Progress progress;
    private final Map<String, Integer> skipped = new TreeMap<>();

    DecodeContext(DatasetProperties settings, Path tensorFile, Progress progress) {
        this.settings = settings;
        this.limits = settings.zipLimits();
        this.tensorFile = tensorFile;
        this.progress = progress;
    }

    DatasetProperties settings() {
        return settings;
    }

    ZipLimits limits() {
        return limits;
    }

    Path tensorFile() {
        return tensorFile;
    }

    void progress(int processed, Integer total) {
        progress.report(processed, total);
    }

    void skip(String reason) {
        skipped.merge(reason, 1, Integer::sum);
    }

    Map<String, Integer> skipped() {
        return new TreeMap<>(skipped);
    }

    /** Refuses a set that would not fit one tensor file or the image cap, before decoding it. */
    void checkSize(long count, int channels, int height, int width) {
        if (count > settings.maxImages()) {
            throw new DatasetContentException(
                    count + " images, more than gantry.datasets.max-images (" + settings.maxImages() + ")");
        }
        long bytes = count * channels * height * width;
        if (bytes > ImageTensorFile.MAX_PIXEL_BYTES) {
            throw new DatasetContentException(count + " images of " + channels + "×" + height + "×" + width
                    + " decode to " + bytes + " bytes, more than one tensor file holds ("
                    + ImageTensorFile.MAX_PIXEL_BYTES + "); lower gantry.datasets.max-resolution or upload fewer");
        }
    }
}
