package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.job.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class UpscaleInputTest {

    @Test
    void gray_pixels_are_read_as_stored_and_scaled_to_minus_one_one() throws IOException {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = {0, 64, (byte) 128, (byte) 200, (byte) 255, 1};
        gray.getRaster().setDataElements(0, 0, 3, 2, pixels);

        UpscaleInput input = UpscaleInput.decode(png(gray), 1);

        assertThat(input.height()).isEqualTo(2);
        assertThat(input.width()).isEqualTo(3);
        for (int i = 0; i < pixels.length; i++) {
            // getRGB would brighten the mid-tones (64 reads as 137): the raster is read as stored.
            assertThat(input.values()[i]).isEqualTo((pixels[i] & 0xff) / 127.5f - 1f);
        }
        UpscaleInput rgb = UpscaleInput.decode(png(gray), 3);
        assertThat(rgb.values()).hasSize(18);
        assertThat(rgb.values()[6 + 1]).as("green plane repeats gray").isEqualTo(64 / 127.5f - 1f);
    }

    @Test
    void colour_becomes_luma_for_a_gray_model_and_transparency_reads_as_white() throws IOException {
        BufferedImage colour = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        colour.setRGB(0, 0, 0xFF_C8_32_0A); // opaque (200, 50, 10)
        colour.setRGB(1, 0, 0x00_00_00_00); // fully transparent black

        UpscaleInput input = UpscaleInput.decode(png(colour), 1);

        int luma = (200 * 299 + 50 * 587 + 10 * 114 + 500) / 1000; // PIL convert("L"): 90
        assertThat(input.values()[0]).isEqualTo(luma / 127.5f - 1f);
        assertThat(input.values()[1]).isEqualTo(1f);
    }

    @Test
    void an_image_larger_than_the_limit_or_not_an_image_names_the_field() throws IOException {
        byte[] large = png(new BufferedImage(UpscaleInput.MAX_SIDE + 1, 4, BufferedImage.TYPE_BYTE_GRAY));

        assertThatThrownBy(() -> UpscaleInput.decode(large, 1))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("image"))
                .hasMessageContaining("257×4");
        assertThatThrownBy(() -> UpscaleInput.decode("not an image".getBytes(), 1))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a PNG or JPEG");
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
