package dev.gantry.dataset;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded image as uint8 {@code channels × height × width}: 16-bit samples scaled to 8 bits,
 * palettes looked up, alpha composited onto white (a transparent background reads as white paper,
 * not black), grayscale replicated when the set is RGB, colour reduced to luma (as PIL's {@code
 * convert("L")}) when one channel is asked for.
 *
 * <p>Gray and RGB rasters are read as stored. {@link BufferedImage#getRGB} is kept for the rest
 * (CMYK, YCbCr, packed RGB), because for gray it converts from a linear gray space and brightens
 * every mid-tone.
 */
public final class ImagePixels {

    private ImagePixels() {}

    /** Whether an image of this color model has colour: RGB, or a palette with a non-gray entry. */
    static boolean isColour(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                if (palette.getRed(i) != palette.getGreen(i) || palette.getGreen(i) != palette.getBlue(i)) {
                    return true;
                }
            }
            return false;
        }
        return model.getColorSpace().getType() != ColorSpace.TYPE_GRAY;
    }

    /** @param channels 1, or 3 to replicate gray images into RGB */
    public static byte[] toChw(BufferedImage image, int channels) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        byte[] out = new byte[channels * plane];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int[] pixel = new int[raster.getNumBands()];
        boolean direct = model instanceof ComponentColorModel && !model.isAlphaPremultiplied();
        int colourBands = model.getNumColorComponents();
        boolean gray = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        boolean rgb = model.getColorSpace().getType() == ColorSpace.TYPE_RGB;
        int[] rgbRow = new int[width];
        for (int y = 0; y < height; y++) {
            boolean viaRgb = !(model instanceof IndexColorModel) && !(direct && (gray || rgb));
            if (viaRgb) {
                image.getRGB(0, y, width, 1, rgbRow, 0, width);
            }
            for (int x = 0; x < width; x++) {
                int r;
                int g;
                int b;
                int a;
                if (model instanceof IndexColorModel palette) {
                    int index = raster.getSample(x, y, 0);
                    r = palette.getRed(index);
                    g = palette.getGreen(index);
                    b = palette.getBlue(index);
                    a = palette.getAlpha(index);
                } else if (viaRgb) {
                    int argb = rgbRow[x];
                    a = argb >>> 24;
                    r = (argb >> 16) & 0xFF;
                    g = (argb >> 8) & 0xFF;
                    b = argb & 0xFF;
                } else {
                    raster.getPixel(x, y, pixel);
                    r = to8(pixel[0], model.getComponentSize(0));
                    g = gray ? r : to8(pixel[1], model.getComponentSize(1));
                    b = gray ? r : to8(pixel[2], model.getComponentSize(2));
                    a = model.hasAlpha() ? to8(pixel[colourBands], model.getComponentSize(colourBands)) : 255;
                }
                int i = y * width + x;
                if (channels == 1) {
                    // ITU-R 601 luma in PIL's fixed point: the weights sum to 2^16, so gray stays exact.
                    int luma = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
                    out[i] = (byte) overWhite(luma, a);
                } else {
                    out[i] = (byte) overWhite(r, a);
                    out[plane + i] = (byte) overWhite(g, a);
                    out[2 * plane + i] = (byte) overWhite(b, a);
                }
            }
        }
        return out;
    }

    private static int to8(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        long max = (1L << bits) - 1;
        return (int) ((sample * 255L + max / 2) / max);
    }

    private static int overWhite(int value, int alpha) {
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
