package dev.gantry.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against an exact-arithmetic reference ({@code scripts/training/fitting_golden.py}): center crop, area resize and
 * channel conversion, on random images of every shape that matters (growing, shrinking by whole
 * and fractional factors, tall, wide, RGB ↔ grayscale). Java sums in float, so a value a hair
 * from .5 may round the other way: one level apart at most.
 */
class ImageFittingTest {

    @Test
    void center_crop_area_resize_and_channel_conversion_match_the_exact_reference_within_one_level()
            throws IOException {
        JsonArray cases;
        try (InputStream in = ImageFittingTest.class.getResourceAsStream("/training/fitting-golden.json")) {
            cases = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject()
                    .getAsJsonArray("cases");
        }
        assertTrue(cases.size() >= 7);
        for (JsonElement element : cases) {
            JsonObject c = element.getAsJsonObject();
            int channels = c.get("channels").getAsInt();
            int height = c.get("height").getAsInt();
            int width = c.get("width").getAsInt();
            int resolution = c.get("resolution").getAsInt();
            int outChannels = c.get("outChannels").getAsInt();
            String what = channels + "×" + height + "×" + width + " → " + outChannels + "×" + resolution;
            ImageTensor source =
                    new ImageTensor(1, channels, height, width, bytes(c.getAsJsonArray("pixels")), null, List.of());
            ImageTensor fitted = ImageFitting.fit(source, resolution, outChannels);
            assertEquals(outChannels, fitted.channels(), what);
            assertEquals(resolution, fitted.height(), what);
            assertEquals(resolution, fitted.width(), what);
            byte[] expected = bytes(c.getAsJsonArray("expected"));
            int worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs((expected[i] & 0xff) - (fitted.pixels()[i] & 0xff)));
            }
            assertTrue(worst <= 1, what + ": off by " + worst + " levels");
        }
    }

    @Test
    void labels_and_class_names_follow_the_images_and_a_fitting_image_is_returned_as_is() {
        byte[] pixels = new byte[2 * 3 * 4 * 4];
        ImageTensor labelled = new ImageTensor(2, 3, 4, 4, pixels, new int[] {1, 0}, List.of("cat", "dog"));
        ImageTensor gray = ImageFitting.fit(labelled, 2, 1);
        assertEquals(List.of("cat", "dog"), gray.classNames());
        assertEquals(1, gray.labels()[0]);
        assertSame(labelled, ImageFitting.fit(labelled, 4, 3));
    }

    @Test
    void image_data_scales_bytes_to_minus_one_one_and_draws_labels_with_their_images() {
        byte[] pixels = {0, (byte) 255, (byte) 128, 64};
        ImageData data =
                new ImageData(new ImageTensor(4, 1, 1, 1, pixels, new int[] {0, 1, 2, 3}, List.of("a", "b", "c", "d")));
        float[] out = new float[64];
        int[] labels = new int[64];
        data.sample(new java.util.SplittableRandom(3), 64, out, labels);
        for (int i = 0; i < 64; i++) {
            float expected = (pixels[labels[i]] & 0xff) / 127.5f - 1f;
            assertEquals(expected, out[i], 0f, "sample " + i + " is image " + labels[i]);
        }
        assertEquals(-1f, ImageData.toUnit((byte) 0));
        assertEquals(1f, ImageData.toUnit((byte) 255));
    }

    private static byte[] bytes(JsonArray values) {
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) values.get(i).getAsInt();
        }
        return out;
    }
}
