package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.eval.Bicubic;
import dev.gantry.training.eval.ImageQuality;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Super-resolution's measurements against independent references ({@code
 * scripts/training/sr_golden.py}): bicubic upsampling against PyTorch's {@code interpolate}, PSNR
 * and SSIM against scikit-image, the generator's input against PyTorch's {@code avg_pool2d}.
 */
class SuperResolutionGoldenTest {

    private static JsonObject golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SuperResolutionGoldenTest.class.getResourceAsStream("/training/sr-golden.json")) {
            golden = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
    }

    @Test
    void bicubic_upsampling_is_pytorchs() {
        JsonArray cases = golden.getAsJsonArray("bicubic");
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            int[] s = ints(c.getAsJsonArray("shape"));
            float[] up = Bicubic.upsample(
                    Golden.floats(c.get("input")),
                    s[0],
                    s[1],
                    s[2],
                    s[3],
                    c.get("scale").getAsInt());
            Golden.assertClose(c.get("expected"), up, 1e-5, "bicubic " + c.get("shape") + " ×" + c.get("scale"));
        }
        assertEquals(3, cases.size());
    }

    @Test
    void psnr_and_ssim_are_scikit_images() {
        JsonArray cases = golden.getAsJsonArray("quality");
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            int[] s = ints(c.getAsJsonArray("shape"));
            float[] image = Golden.floats(c.get("image"));
            float[] reference = Golden.floats(c.get("reference"));
            String what = " of " + c.get("shape");
            Golden.assertClose(
                    c.get("psnr").getAsDouble(), ImageQuality.psnr(image, reference, s[0]), 1e-6, "PSNR" + what);
            Golden.assertClose(
                    c.get("ssim").getAsDouble(),
                    ImageQuality.ssim(image, reference, s[0], s[1], s[2], s[3]),
                    1e-6,
                    "SSIM" + what);
        }
        assertEquals(4, cases.size());
    }

    @Test
    void the_generators_input_is_the_area_downsampled_image() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (JsonElement e : golden.getAsJsonArray("downsample")) {
                JsonObject c = e.getAsJsonObject();
                int[] s = ints(c.getAsJsonArray("shape"));
                NDArray x = m.create(Golden.floats(c.get("input")), new Shape(s[0], s[1], s[2], s[3]));
                NDArray small = LowResolution.of(x, c.get("scale").getAsInt());
                Golden.assertClose(c.get("expected"), small.toFloatArray(), 1e-6, "avg_pool2d " + c.get("shape"));
            }
        }
    }

    private static int[] ints(JsonArray values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsInt();
        }
        return out;
    }
}
