package dev.gantry.training.config;

/**
 * What the networks see.
 *
 * @param dataset a built-in name ({@code ring8}, {@code digits}, …) or the id of an uploaded
 *     dataset; the caller of the training core resolves it to data
 * @param resolution images are center-cropped to a square and area-resized to this side; 0 for
 *     2-D point sets
 * @param channels 1 (grayscale) or 3 (RGB) for images, converted as needed; 0 for 2-D point sets
 */
public record DataConfig(String dataset, int resolution, int channels) {

    public static DataConfig points(String dataset) {
        return new DataConfig(dataset, 0, 0);
    }

    public boolean images() {
        return resolution > 0;
    }

    /** The shape of one sample: {@code [2]} or {@code [channels, resolution, resolution]}. */
    public long[] sampleShape() {
        return images() ? new long[] {channels, resolution, resolution} : new long[] {2};
    }
}
