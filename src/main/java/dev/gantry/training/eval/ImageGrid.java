package dev.gantry.training.eval;

import dev.gantry.training.data.Png;
import java.awt.image.BufferedImage;

/**
 * Lays images out as one PNG: {@code columns} per row, a 2-pixel gap of black between them, as
 * {@code torchvision.utils.make_grid(padding=2, normalize=False)} after mapping [−1, 1] to
 * [0, 255] (values outside are clipped, so a diverged generator shows as saturated, not as an
 * error).
 */
public final class ImageGrid {

    public static final int PADDING = 2;

    private ImageGrid() {}

    /**
     * @param values {@code count × channels × height × width} values in [−1, 1], row-major
     * @param channels 1 (grayscale PNG) or 3 (RGB PNG)
     */
    public static byte[] png(float[] values, int count, int channels, int height, int width, int columns) {
        return png(values, count, channels, height, width, columns, PADDING);
    }

    /** @param padding pixels of black around and between images; 0 for one image as it is */
    public static byte[] png(float[] values, int count, int channels, int height, int width, int columns, int padding) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (count < 1 || columns < 1 || (long) count * channels * height * width != values.length) {
            throw new IllegalArgumentException(
                    "values do not hold " + count + " images of " + channels + "×" + height + "×" + width);
        }
        int cols = Math.min(columns, count);
        int rows = (count + cols - 1) / cols;
        int gridWidth = cols * (width + padding) + padding;
        int gridHeight = rows * (height + padding) + padding;
        BufferedImage image = new BufferedImage(
                gridWidth, gridHeight, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            int left = padding + (i % cols) * (width + padding);
            int top = padding + (i / cols) * (height + padding);
            int base = i * channels * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = base + y * width + x;
                    if (channels == 1) {
                        image.getRaster().setSample(left + x, top + y, 0, toByte(values[p]));
                    } else {
                        int rgb = toByte(values[p]) << 16
                                | toByte(values[p + plane]) << 8
                                | toByte(values[p + 2 * plane]);
                        image.setRGB(left + x, top + y, rgb);
                    }
                }
            }
        }
        return Png.encode(image);
    }

    /** [−1, 1] → [0, 255], rounded, clipped: (x + 1)·127.5. */
    static int toByte(float value) {
        return Math.max(0, Math.min(255, Math.round((value + 1f) * 127.5f)));
    }
}
