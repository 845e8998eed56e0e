package dev.gantry.dataset;

import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.Png;
import java.awt.image.BufferedImage;

/**
 * The first 64 images of a set as an 8×8 PNG grid with a 2-pixel white gutter; fewer images leave
 * their cells white.
 */
final class PreviewGrid {

    static final int COLUMNS = 8;
    static final int CELLS = COLUMNS * COLUMNS;
    static final int GUTTER = 2;

    private PreviewGrid() {}

    static byte[] png(ImageTensor images) {
        int h = images.height();
        int w = images.width();
        int width = COLUMNS * w + (COLUMNS + 1) * GUTTER;
        int height = COLUMNS * h + (COLUMNS + 1) * GUTTER;
        boolean gray = images.channels() == 1;
        BufferedImage grid =
                new BufferedImage(width, height, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int[] white = new int[width * height];
        java.util.Arrays.fill(white, gray ? 255 : 0xFFFFFF);
        if (gray) {
            grid.getRaster().setSamples(0, 0, width, height, 0, white);
        } else {
            grid.setRGB(0, 0, width, height, white, 0, width);
        }
        int plane = h * w;
        byte[] pixels = images.pixels();
        for (int n = 0; n < Math.min(CELLS, images.count()); n++) {
            int left = GUTTER + (n % COLUMNS) * (w + GUTTER);
            int top = GUTTER + (n / COLUMNS) * (h + GUTTER);
            int base = n * images.imageBytes();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = base + y * w + x;
                    if (gray) {
                        grid.getRaster().setSample(left + x, top + y, 0, pixels[i] & 0xFF);
                    } else {
                        int rgb = (pixels[i] & 0xFF) << 16
                                | (pixels[i + plane] & 0xFF) << 8
                                | (pixels[i + 2 * plane] & 0xFF);
                        grid.setRGB(left + x, top + y, rgb);
                    }
                }
            }
        }
        return Png.encode(grid);
    }
}
