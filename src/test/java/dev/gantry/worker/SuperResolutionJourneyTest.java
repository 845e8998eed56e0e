package dev.gantry.worker;

import static dev.gantry.testsupport.FeatureNetworkUploads.uploadAndWait;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 end to end, as a user drives it: two uploaded feature networks (the committed VGG-style
 * one for the perceptual term, the pooled one for FID), super-resolution jobs on a built-in image
 * set with and without the perceptual term, trained by a real worker; PSNR and SSIM beside
 * bicubic's and FID/KID/precision/recall against the held-out originals, each with its protocol;
 * the best checkpoint by PSNR kept and used to upscale a PNG.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.worker.jvm-options=-Xmx768m",
            "gantry.generation.local-count=1",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class SuperResolutionJourneyTest {

    private static final int STEPS = 300;
    private static final int HELD_OUT = 200;

    @LocalServerPort
    int port;

    @Test
    void the_perceptual_term_on_an_uploaded_network_changes_what_super_resolution_learns() throws Exception {
        Http http = new Http(port);
        JsonNode vgg = uploadAndWait(http, "vgg_tiny");
        JsonNode pooled = uploadAndWait(http, "pooled_tiny");
        assertThat(vgg.get("state").asString()).isEqualTo("READY");
        assertThat(pooled.get("state").asString()).isEqualTo("READY");
        String vggId = vgg.get("id").asString();
        String pooledId = pooled.get("id").asString();

        String without = submit(http, pooledId, "");
        String with = submit(http, pooledId, """
                , {"type": "perceptual", "weight": 10,
                   "params": {"network": "%s", "layers": {"relu1_2": 1, "relu2_2": 1}}}""".formatted(vggId));
        JsonNode plain = Jobs.awaitState(http, without, "SUCCEEDED", Duration.ofMinutes(6));
        JsonNode perceptual = Jobs.awaitState(http, with, "SUCCEEDED", Duration.ofMinutes(6));

        for (JsonNode job : List.of(plain, perceptual)) {
            JsonNode latest = job.get("latestMetrics");
            for (String name : List.of(
                    "eval/psnr",
                    "eval/ssim",
                    "eval/psnr-bicubic",
                    "eval/ssim-bicubic",
                    "eval/fid",
                    "eval/kid",
                    "eval/precision",
                    "eval/recall")) {
                assertThat(latest.get(name)).as(name + " of " + job.get("name")).isNotNull();
                assertThat(Double.isFinite(latest.get(name).asDouble())).isTrue();
            }
            assertThat(latest.get("loss/g/perceptual") != null)
                    .as("only the second job has the term")
                    .isEqualTo(job.get("id").asString().equals(with));
        }
        double psnr0 = plain.at("/latestMetrics/eval~1psnr").asDouble();
        double psnr10 = perceptual.at("/latestMetrics/eval~1psnr").asDouble();
        double ssim0 = plain.at("/latestMetrics/eval~1ssim").asDouble();
        double ssim10 = perceptual.at("/latestMetrics/eval~1ssim").asDouble();
        System.out.printf(
                "super-resolution x2 on digits, %d steps: λ_per 0: PSNR %.3f dB, SSIM %.4f, FID %.3f;"
                        + " λ_per 10: PSNR %.3f dB, SSIM %.4f, FID %.3f; bicubic PSNR %.3f dB, SSIM %.4f%n",
                STEPS,
                psnr0,
                ssim0,
                plain.at("/latestMetrics/eval~1fid").asDouble(),
                psnr10,
                ssim10,
                perceptual.at("/latestMetrics/eval~1fid").asDouble(),
                plain.at("/latestMetrics/eval~1psnr-bicubic").asDouble(),
                plain.at("/latestMetrics/eval~1ssim-bicubic").asDouble());
        // Same seed, same data, same everything else: the term alone moves the result.
        assertThat(Math.abs(psnr10 - psnr0) > 0.05 || Math.abs(ssim10 - ssim0) > 0.002)
                .as("λ_per 10 against 0: PSNR %.3f vs %.3f, SSIM %.4f vs %.4f", psnr10, psnr0, ssim10, ssim0)
                .isTrue();

        // FID's protocol names the uploaded network, its output and the held-out reference.
        JsonNode metrics = http.get("/api/v1/jobs/" + with + "/metrics?names=eval/fid,eval/psnr")
                .json();
        JsonNode fid = Jobs.series(metrics, "eval/fid").get(0);
        JsonNode protocol = metrics.at("/protocols/" + fid.get("protocol").asString());
        assertThat(protocol.get("featureNetworkSha256").asString())
                .isEqualTo(pooled.get("moduleSha256").asString());
        assertThat(protocol.get("featureOutput").asString()).isEqualTo("pool");
        assertThat(protocol.get("resize").asString()).isEqualTo("bilinear 48x48");
        assertThat(protocol.get("referenceSplit").asString()).isEqualTo("held-out");
        assertThat(protocol.get("referenceCount").asInt()).isEqualTo(HELD_OUT);
        JsonNode psnrProtocol = metrics.at("/protocols/"
                + Jobs.series(metrics, "eval/psnr").get(0).get("protocol").asString());
        assertThat(psnrProtocol.get("referenceSplit").asString()).isEqualTo("held-out");
        assertThat(psnrProtocol.at("/parameters/scale").asInt()).isEqualTo(2);

        // The best checkpoint by PSNR is kept beside the latest, and upscales a PNG.
        List<JsonNode> psnr = Jobs.series(metrics, "eval/psnr");
        long bestStep = psnr.stream()
                .max((a, b) ->
                        Double.compare(a.get("value").asDouble(), b.get("value").asDouble()))
                .orElseThrow()
                .get("step")
                .asLong();
        JsonNode checkpoints = http.get("/api/v1/jobs/" + with + "/checkpoints").json();
        assertThat(checkpoints
                        .valueStream()
                        .filter(c -> c.get("best").asBoolean())
                        .map(c -> c.get("step").asLong())
                        .toList())
                .containsExactly(bestStep);
        BufferedImage small = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        small.getGraphics().fillOval(3, 3, 10, 10);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(small, "png", png);
        Http.Response upscaled = http.post(
                "/api/v1/jobs/" + with + "/generate?step=best",
                png.toByteArray(),
                Map.of("Content-Type", "image/png", "Accept", "image/png"));
        assertThat(upscaled.status()).isEqualTo(200);
        assertThat(upscaled.header("X-Gantry-Step")).isEqualTo(Long.toString(bestStep));
        BufferedImage big = ImageIO.read(new ByteArrayInputStream(upscaled.bytes()));
        assertThat(big.getWidth())
                .as("the 16 px input, twice as wide, no grid around it")
                .isEqualTo(32);
        assertThat(big.getHeight()).isEqualTo(32);

        Http.Response empty = http.post(
                "/api/v1/jobs/" + with + "/generate?step=best", new byte[0], Map.of("Content-Type", "image/png"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(new String(empty.bytes(), StandardCharsets.UTF_8))
                .contains("a non-empty image/png body is required")
                .doesNotContain("JSON");
    }

    private static String submit(Http http, String fidNetwork, String perceptualTerm) {
        Http.Response created = http.post("/api/v1/jobs", """
                {"dataset": "digits", "task": "super-resolution",
                 "superResolution": {"scale": 2, "validationImages": %d},
                 "model": {"width": 16, "hiddenLayers": 2},
                 "loss": {"adversarial": {"type": "non-saturating"},
                          "terms": [{"type": "reconstruction", "weight": 1}%s]},
                 "training": {"steps": %d, "batchSize": 16, "seed": 5},
                 "checkpoints": {"everySteps": 100, "keepLast": 1, "keepBest": {"metric": "eval/psnr", "count": 1}},
                 "evaluation": {"everySteps": 100, "featureNetwork": "%s"}}
                """.formatted(HELD_OUT, perceptualTerm, STEPS, fidNetwork));
        assertThat(created.status()).as(created.json().toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }
}
