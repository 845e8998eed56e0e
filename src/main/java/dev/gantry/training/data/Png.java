package dev.gantry.training.data;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** PNG encoding in memory. */
public final class Png {

    private Png() {}

    /**
     * Encodes through a memory-cached stream. {@code ImageIO.write(image, "png", out)} caches in a
     * temporary file whose stream a JVM shutdown hook closes, so a worker writing its last sample
     * grid while it drains on SIGTERM failed with "IOException: closed".
     */
    public static byte[] encode(RenderedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
