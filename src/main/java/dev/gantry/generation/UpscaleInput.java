package dev.gantry.generation;

import dev.gantry.dataset.ImagePixels;
import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A low-resolution image a client sends to a super-resolution job: a PNG or JPEG decoded in the API
 * process with plain Java codecs (no libtorch here), its size checked from the header before any
 * pixel is decoded, converted to the model's channels by the datasets' own {@link ImagePixels}
 * (gray read as stored, luma for colour, alpha over white) and scaled to [−1, 1] as training data
 * is.
 *
 * @param values {@code channels × height × width}
 */
record UpscaleInput(float[] values, int channels, int height, int width) {

    /** Largest input side: the output is this times the scale. */
    static final int MAX_SIDE = 256;

    static UpscaleInput decode(byte[] bytes, int channels) {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw invalid("is not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w > MAX_SIDE || h > MAX_SIDE) {
                    throw invalid("is " + w + "×" + h + "; a low-resolution input may be at most " + MAX_SIDE + "×"
                            + MAX_SIDE);
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidRequestException invalid) {
                throw invalid;
            }
            throw invalid("cannot be decoded: " + e.getMessage());
        }
        int h = image.getHeight();
        int w = image.getWidth();
        byte[] chw = ImagePixels.toChw(image, channels);
        float[] values = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            values[i] = (chw[i] & 0xff) / 127.5f - 1f;
        }
        return new UpscaleInput(values, channels, h, w);
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(List.of(new FieldError("image", "the request body " + message)));
    }
}
