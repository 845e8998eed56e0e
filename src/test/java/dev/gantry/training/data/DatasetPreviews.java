package dev.gantry.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes an 8×8 grid of the first 64 images of each built-in image set to {@code bench/images/},
 * for people to look at. After {@code ./mvnw -q test-compile}: {@code java -cp
 * target/classes:target/test-classes dev.gantry.training.data.DatasetPreviews}.
 */
public final class DatasetPreviews {

    private static final int GRID = 8;
    private static final int GAP = 2;

    private DatasetPreviews() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/images");
        Files.createDirectories(dir);
        for (BuiltInDatasets.Info info : BuiltInDatasets.all()) {
            if (info.kind() == BuiltInDatasets.Kind.IMAGES) {
                Path file = dir.resolve(info.name() + "-preview.png");
                ImageIO.write(grid(BuiltInDatasets.images(info.name()), 2), "png", file.toFile());
                System.out.println("wrote " + file);
            }
        }
    }

    /** The first 64 images in an 8×8 grid, each pixel drawn {@code zoom}×{@code zoom}, grey gaps. */
    static BufferedImage grid(ImageTensor images, int zoom) {
        int cellW = images.width() * zoom + GAP;
        int cellH = images.height() * zoom + GAP;
        BufferedImage out = new BufferedImage(GRID * cellW + GAP, GRID * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, 0x808080);
            }
        }
        int plane = images.height() * images.width();
        for (int n = 0; n < Math.min(GRID * GRID, images.count()); n++) {
            int base = n * images.imageBytes();
            for (int r = 0; r < images.height() * zoom; r++) {
                for (int c = 0; c < images.width() * zoom; c++) {
                    int p = (r / zoom) * images.width() + c / zoom;
                    int red = images.pixels()[base + p] & 0xff;
                    int green = images.channels() == 3 ? images.pixels()[base + plane + p] & 0xff : red;
                    int blue = images.channels() == 3 ? images.pixels()[base + 2 * plane + p] & 0xff : red;
                    out.setRGB(
                            GAP + (n % GRID) * cellW + c, GAP + (n / GRID) * cellH + r, red << 16 | green << 8 | blue);
                }
            }
        }
        return out;
    }
}
