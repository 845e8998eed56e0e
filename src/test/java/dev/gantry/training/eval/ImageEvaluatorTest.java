package dev.gantry.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.training.data.ImageTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The evaluation of an image job outside the loop: what it reports, what it caches, under which key. */
class ImageEvaluatorTest {

    /** A cache in memory that counts what it is asked. */
    static final class MemoryCache implements ReferenceCache {
        final Map<String, byte[]> entries = new HashMap<>();
        int puts;
        int hits;

        @Override
        public Optional<byte[]> get(String key) {
            Optional<byte[]> found = Optional.ofNullable(entries.get(key));
            if (found.isPresent()) {
                hits++;
            }
            return found;
        }

        @Override
        public void put(String key, byte[] bytes) {
            puts++;
            entries.put(key, bytes);
        }
    }

    private static ImageTensor blobs(int count, int channels, int side, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * channels * side * side];
        for (int i = 0; i < count; i++) {
            int cx = random.nextInt(side);
            int cy = random.nextInt(side);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                        pixels[((i * channels + c) * side + y) * side + x] = (byte) (255 * Math.exp(-r2 / 20));
                    }
                }
            }
        }
        return new ImageTensor(count, channels, side, side, pixels, null, List.of());
    }

    /** The real images themselves in [−1, 1], as a perfect generator would draw them. */
    private static float[] asGenerated(ImageTensor images, int count) {
        float[] out = new float[count * images.imageBytes()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (images.pixels()[i] & 0xff) / 127.5f - 1f;
        }
        return out;
    }

    @Test
    void reference_features_are_computed_once_and_found_by_the_next_run() {
        ImageTensor images = blobs(300, 1, 32, 1);
        MemoryCache cache = new MemoryCache();
        StandInFeatures network = new StandInFeatures();
        ImageEvaluator first = new ImageEvaluator(images, 200, network, cache);
        float[] noise = new float[200 * 1024];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextDouble(-1, 1);
        }
        ImageEvaluator.Evaluation a = first.evaluate(noise, 11);
        assertThat(network.images())
                .as("200 reference and 200 generated images")
                .isEqualTo(400);
        first.evaluate(noise, 11);
        assertThat(network.images())
                .as("the reference is kept by the evaluator")
                .isEqualTo(600);
        assertThat(cache.puts).isEqualTo(1);

        StandInFeatures again = new StandInFeatures();
        ImageEvaluator second = new ImageEvaluator(images, 200, again, cache);
        ImageEvaluator.Evaluation b = second.evaluate(noise, 11);
        assertThat(cache.hits).isEqualTo(1);
        assertThat(again.images()).as("only the generated images").isEqualTo(200);
        assertThat(b.metrics()).isEqualTo(a.metrics());
        assertThat(second.referenceKey()).isEqualTo(first.referenceKey());

        // Another network, another resolution of the same data: other keys.
        ImageEvaluator otherNetwork = new ImageEvaluator(images, 200, new StandInFeatures("other"), cache);
        otherNetwork.evaluate(noise, 11);
        ImageTensor larger = blobs(300, 1, 64, 1);
        ImageEvaluator otherResolution = new ImageEvaluator(larger, 200, new StandInFeatures(), cache);
        otherResolution.evaluate(new float[200 * 4096], 11);
        assertThat(cache.entries).hasSize(3);
        assertThat(otherNetwork.referenceKey()).isNotEqualTo(first.referenceKey());
    }

    @Test
    void real_images_score_near_zero_and_noise_far_off_with_the_protocol_recorded() {
        ImageTensor images = blobs(600, 3, 32, 2);
        ImageEvaluator evaluator = new ImageEvaluator(images, 300, new StandInFeatures(), ReferenceCache.NONE);
        assertThat(evaluator.referenceCount()).isEqualTo(300);
        // The other 300 images of the same distribution play the generator.
        ImageTensor rest = new ImageTensor(
                300,
                3,
                32,
                32,
                java.util.Arrays.copyOfRange(images.pixels(), 0, 300 * images.imageBytes()),
                null,
                List.of());
        ImageEvaluator.Evaluation good = evaluator.evaluate(asGenerated(rest, 300), 5);
        float[] grey = new float[300 * images.imageBytes()];
        ImageEvaluator.Evaluation bad = evaluator.evaluate(grey, 5);
        System.out.println("same distribution: " + good.metrics() + "\nflat grey: " + bad.metrics());
        assertThat(bad.metrics().get(ImageEvaluator.FID))
                .isGreaterThan(10 * good.metrics().get(ImageEvaluator.FID));
        assertThat(good.metrics().get(ImageEvaluator.PRECISION)).isGreaterThan(0.8);
        assertThat(good.metrics().get(ImageEvaluator.RECALL)).isGreaterThan(0.8);
        assertThat(bad.metrics().get(ImageEvaluator.RECALL)).isLessThan(0.05);
        assertThat(bad.metrics().get(ImageEvaluator.KID))
                .isGreaterThan(good.metrics().get(ImageEvaluator.KID));
        // Flat 0 in [−1, 1] is pixel 128 (127.5 rounded half up), with no spread.
        assertThat(bad.metrics().get(ImageEvaluator.PIXEL_MEAN)).isEqualTo(128.0);
        assertThat(bad.metrics().get(ImageEvaluator.PIXEL_STD)).isZero();
        assertThat(good.metrics()).containsOnlyKeys(ImageEvaluator.metricNames(true));

        EvaluationProtocol fid = good.protocols().get(ImageEvaluator.FID);
        assertThat(fid.featureNetworkSha256()).isEqualTo("stand-in-pool8-tanh32");
        assertThat(fid.resize()).isEqualTo("area 8x8");
        assertThat(fid.generated()).isEqualTo(300);
        assertThat(fid.referenceCount()).isEqualTo(300);
        assertThat(fid.referenceSplit()).isEqualTo("train");
        assertThat(fid.imageFormat()).isEqualTo("uint8 3x32x32");
        assertThat(fid.parameters()).containsEntry("kidSubsetSize", 300).containsEntry("nearestNeighbour", 3);
        EvaluationProtocol pixels = good.protocols().get(ImageEvaluator.PIXEL_MEAN);
        assertThat(pixels.featureNetworkSha256()).isNull();
        assertThat(pixels.resize()).isEqualTo("none");
    }

    @Test
    void without_a_network_only_the_pixel_statistics_against_the_real_ones() {
        ImageTensor images = blobs(100, 1, 32, 3);
        ImageEvaluator evaluator = new ImageEvaluator(images, 100, null, ReferenceCache.NONE);
        ImageEvaluator.Evaluation same = evaluator.evaluate(asGenerated(images, 100), 1);
        assertThat(same.metrics()).containsOnlyKeys(ImageEvaluator.PIXEL_METRICS);
        // The reference is a permutation of all 100: the same pixels, the same moments.
        assertThat(same.metrics().get(ImageEvaluator.PIXEL_MEAN_GAP))
                .isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(same.metrics().get(ImageEvaluator.PIXEL_STD_GAP))
                .isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-9));
        double mean = 0;
        for (byte p : images.pixels()) {
            mean += p & 0xff;
        }
        mean /= images.pixels().length;
        float[] black = new float[100 * 1024];
        java.util.Arrays.fill(black, -1f);
        ImageEvaluator.Evaluation dark = evaluator.evaluate(black, 1);
        assertThat(dark.metrics().get(ImageEvaluator.PIXEL_MEAN)).isZero();
        assertThat(dark.metrics().get(ImageEvaluator.PIXEL_MEAN_GAP))
                .isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-9));
    }
}
