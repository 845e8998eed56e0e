package dev.gantry.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.training.data.ImageFitting;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pixel rules and the zip limits on small known inputs, every option. */
class ImageDecodingTest {

    @TempDir
    Path dir;

    @Test
    void alpha_is_composited_onto_white() {
        // 0x102030 at alpha 64: v·64/255 + 255·191/255.
        byte[] chw = ImagePixels.toChw(DatasetFiles.translucent(1, 1, 0x102030, 64), 3);
        assertThat(chw[0] & 0xFF).isEqualTo((0x10 * 64 + 255 * 191 + 127) / 255);
        assertThat(chw[1] & 0xFF).isEqualTo((0x20 * 64 + 255 * 191 + 127) / 255);
        assertThat(chw[2] & 0xFF).isEqualTo((0x30 * 64 + 255 * 191 + 127) / 255);
        assertThat(ImagePixels.toChw(DatasetFiles.translucent(1, 1, 0x000000, 0), 3))
                .containsOnly((byte) 255);
    }

    @Test
    void sixteen_bit_gray_is_scaled_and_eight_bit_gray_read_as_stored() {
        BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 32896, 65535});
        assertThat(ImagePixels.toChw(deep, 1)).containsExactly(0, (byte) 128, (byte) 255);
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {100, 200});
        // getRGB would brighten 100 to 167 (linear gray to sRGB); the stored value is the image's.
        assertThat(ImagePixels.toChw(gray, 1)).containsExactly(100, (byte) 200);
        assertThat(ImagePixels.toChw(gray, 3)).containsExactly(100, (byte) 200, 100, (byte) 200, 100, (byte) 200);
        assertThat(ImagePixels.isColour(gray.getColorModel())).isFalse();
    }

    @Test
    void palette_entries_are_looked_up_and_make_the_image_colour() {
        BufferedImage palette = DatasetFiles.palette(4, 1);
        assertThat(ImagePixels.isColour(palette.getColorModel())).isTrue();
        byte[] chw = ImagePixels.toChw(palette, 3);
        // red, green, blue, white stripes; planes R, G, B.
        assertThat(Arrays.copyOfRange(chw, 0, 4)).containsExactly((byte) 255, 0, 0, (byte) 255);
        assertThat(Arrays.copyOfRange(chw, 4, 8)).containsExactly(0, (byte) 255, 0, (byte) 255);
        assertThat(Arrays.copyOfRange(chw, 8, 12)).containsExactly(0, 0, (byte) 255, (byte) 255);
    }

    @Test
    void area_resize_averages_what_each_output_pixel_covers_after_a_center_crop() {
        // 1×2×4: the center 2×2 square is columns 1-2; to 1×1 it is their mean.
        byte[] image = {0, 10, 20, 90, 0, 30, 40, 90};
        assertThat(ImageFitting.cropAndResize(image, 1, 2, 4, 1)).containsExactly(25);
        // 3 → 2: output 0 covers source 0 and half of 1; output 1 half of 1 and 2.
        byte[] row = {0, 30, 60, 0, 30, 60, 0, 30, 60};
        byte[] out = ImageFitting.cropAndResize(row, 1, 3, 3, 2);
        assertThat(out[0] & 0xFF).isEqualTo(10);
        assertThat(out[1] & 0xFF).isEqualTo(50);
        // Same size: unchanged.
        assertThat(ImageFitting.cropAndResize(row, 1, 3, 3, 3)).containsExactly(row);
    }

    @Test
    void zip_limits_are_checked_on_every_read_and_name_their_setting() throws IOException {
        ZipLimits limits = new ZipLimits(10, 1000, 1500, 100, 100);
        InputStream entry = limits.open("a.bin", new ByteArrayInputStream(new byte[2000]));
        assertThat(entry.readNBytes(1000)).hasSize(1000);
        assertThatThrownBy(() -> entry.read()).hasMessageContaining("gantry.datasets.max-entry-bytes (1000)");
        // The violation is remembered, however the reader handled the exception.
        assertThatThrownBy(limits::throwIfViolated).hasMessageContaining("max-entry-bytes");

        ZipLimits total = new ZipLimits(10, 1000, 1500, 100, 100);
        total.open("a", new ByteArrayInputStream(new byte[900])).readAllBytes();
        InputStream second = total.open("b", new ByteArrayInputStream(new byte[900]));
        assertThatThrownBy(second::readAllBytes).hasMessageContaining("gantry.datasets.max-inflated-bytes (1500)");
        // Limits are per upload: a fresh one starts from zero.
        assertThat(new ZipLimits(10, 1000, 1500, 100, 100)
                        .open("c", new ByteArrayInputStream(new byte[900]))
                        .readAllBytes())
                .hasSize(900);
        assertThatThrownBy(() -> limits.checkEntryCount(11)).hasMessageContaining("gantry.datasets.max-entries (10)");
        assertThatThrownBy(() -> limits.checkDeclared("x", 10, 5000)).hasMessageContaining("max-entry-bytes");
        assertThatThrownBy(() -> limits.checkDeclared("x", 1, 500)).hasMessageContaining("max-inflate-ratio (100)");
    }

    @Test
    void a_million_entries_are_refused_from_the_end_record_before_the_directory_is_read() throws IOException {
        Path zip = dir.resolve("million.zip");
        try (ZipOutputStream out =
                new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip), 1 << 20))) {
            for (int i = 0; i < 1_000_000; i++) {
                ZipEntry entry = new ZipEntry(Integer.toString(i, 36));
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(0);
                entry.setCompressedSize(0);
                entry.setCrc(0);
                out.putNextEntry(entry);
                out.closeEntry();
            }
        }
        assertThat(ZipDirectory.entryCount(zip)).isEqualTo(1_000_000);
        long started = System.nanoTime();
        assertThatThrownBy(() -> ZipDirectory.open(zip, new ZipLimits(250_000, 1 << 20, 1 << 30, 100, 1 << 20)))
                .isInstanceOf(DatasetContentException.class)
                .hasMessageContaining("1000000 entries, more than gantry.datasets.max-entries (250000)");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms").isLessThan(1000);
    }
}
