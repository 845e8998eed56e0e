package dev.gantry.training.eval;

import dev.gantry.training.data.ImageTensor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of an image job's evaluation: N generated images against N real ones (fewer when
 * the dataset holds fewer). Always the pixel statistics; with a feature network also FID, KID and
 * precision/recall.
 *
 * <p>Generated images are quantized to 8 bits first, as a PNG would store them, so they are
 * measured in the same format as the real images (the protocol says {@code uint8}). The reference
 * is a fixed selection of the dataset (the first N of a permutation from a constant seed, not the
 * job's), so every job on the same data, resolution and network compares against the same images,
 * and their features are computed once: cached under the SHA-256 of those images' bytes, the
 * network, its output and resize, and the metric settings.
 */
public final class ImageEvaluator {

    /** Metric names, all under {@code eval/}. */
    public static final String PIXEL_MEAN = "eval/pixel-mean";

    public static final String PIXEL_STD = "eval/pixel-std";
    public static final String PIXEL_MEAN_GAP = "eval/pixel-mean-gap";
    public static final String PIXEL_STD_GAP = "eval/pixel-std-gap";
    public static final String FID = "eval/fid";
    public static final String KID = "eval/kid";
    public static final String KID_STD = "eval/kid-std";
    public static final String PRECISION = "eval/precision";
    public static final String RECALL = "eval/recall";

    public static final List<String> PIXEL_METRICS = List.of(PIXEL_MEAN, PIXEL_STD, PIXEL_MEAN_GAP, PIXEL_STD_GAP);
    public static final List<String> FEATURE_METRICS = List.of(FID, KID, KID_STD, PRECISION, RECALL);

    /** Images per call of the feature network. */
    static final int FEATURE_BATCH = 50;

    private static final long REFERENCE_SEED = 0x5265_6665_7265_6e63L;
    private static final long REFERENCE_SUBSETS_SEED = 0x4b49_4452_6566L;
    private static final String FORMAT_VERSION = "gantry-reference-v1";

    private final ImageTensor images;
    private final int samples;
    private final FeatureExtractor extractor;
    private final ReferenceCache cache;
    private final String referenceSplit;
    private final int[] referenceIndices;
    private final PixelMoments realPixels;
    private ReferenceFeatures reference;
    private String referenceKey;

    /**
     * @param images the dataset as the networks see it (fitted to the job's resolution and channels)
     * @param samples N, generated per evaluation and the most real images compared against
     * @param extractor {@code null} for the pixel statistics only
     */
    public ImageEvaluator(ImageTensor images, int samples, FeatureExtractor extractor, ReferenceCache cache) {
        this(images, samples, extractor, cache, "train");
    }

    /** @param referenceSplit what {@code images} are, for the protocol: {@code train}, {@code held-out} */
    public ImageEvaluator(
            ImageTensor images, int samples, FeatureExtractor extractor, ReferenceCache cache, String referenceSplit) {
        this.referenceSplit = referenceSplit;
        this.images = images;
        this.samples = samples;
        this.extractor = extractor;
        this.cache = cache;
        this.referenceIndices = referenceIndices(images.count(), Math.min(samples, images.count()));
        this.realPixels = PixelMoments.of(referencePixels());
    }

    /** The metrics and their protocols. */
    public record Evaluation(Map<String, Double> metrics, Map<String, EvaluationProtocol> protocols) {}

    /** What an evaluation reports: the pixel statistics, and the feature metrics with a network. */
    public static List<String> metricNames(boolean featureNetwork) {
        return featureNetwork
                ? java.util.stream.Stream.concat(PIXEL_METRICS.stream(), FEATURE_METRICS.stream())
                        .toList()
                : PIXEL_METRICS;
    }

    public int referenceCount() {
        return referenceIndices.length;
    }

    /** The content address the reference features are cached under; {@code null} before the first evaluation. */
    public String referenceKey() {
        return referenceKey;
    }

    /**
     * @param generated {@code samples} images, count × C × H × W in [−1, 1]
     * @param seed draws the generated side's KID subsets
     */
    public Evaluation evaluate(float[] generated, long seed) {
        int size = images.imageBytes();
        int count = generated.length / size;
        byte[] quantized = new byte[generated.length];
        for (int i = 0; i < generated.length; i++) {
            float v = generated[i];
            // NaN, from a diverged generator, is measured as black rather than poisoning the sums.
            long q = Float.isNaN(v) ? 0 : Math.round((v + 1.0) * 127.5);
            quantized[i] = (byte) Math.max(0, Math.min(255, q));
        }
        PixelMoments pixels = PixelMoments.of(quantized);
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, EvaluationProtocol> protocols = new LinkedHashMap<>();
        metrics.put(PIXEL_MEAN, pixels.mean());
        metrics.put(PIXEL_STD, pixels.std());
        metrics.put(PIXEL_MEAN_GAP, Math.abs(pixels.mean() - realPixels.mean()));
        metrics.put(PIXEL_STD_GAP, Math.abs(pixels.std() - realPixels.std()));
        EvaluationProtocol pixelProtocol = protocol(count, null, Map.of());
        PIXEL_METRICS.forEach(name -> protocols.put(name, pixelProtocol));
        if (extractor == null) {
            return new Evaluation(metrics, protocols);
        }
        ReferenceFeatures ref = reference();
        FeatureMatrix features = features(quantized, count);
        int subsetSize = ref.subsets[0].length;
        int[][] subsets = KernelDistance.drawSubsets(count, ref.subsets.length, subsetSize, seed);
        ReferenceFeatures.Comparison c = ref.compare(features, PrecisionRecall.DEFAULT_K, subsets);
        metrics.put(FID, c.fid());
        metrics.put(KID, c.kid().mean());
        metrics.put(KID_STD, c.kid().std());
        metrics.put(PRECISION, c.precisionRecall().precision());
        metrics.put(RECALL, c.precisionRecall().recall());
        EvaluationProtocol featureProtocol = protocol(
                count,
                extractor,
                Map.of(
                        "kidSubsets", ref.subsets.length,
                        "kidSubsetSize", subsetSize,
                        "nearestNeighbour", PrecisionRecall.DEFAULT_K));
        FEATURE_METRICS.forEach(name -> protocols.put(name, featureProtocol));
        return new Evaluation(metrics, protocols);
    }

    private EvaluationProtocol protocol(int generated, FeatureExtractor network, Map<String, Integer> parameters) {
        return new EvaluationProtocol(
                network == null ? null : network.networkSha256(),
                network == null ? null : network.output(),
                network == null ? "none" : network.resize(),
                generated,
                referenceSplit,
                referenceIndices.length,
                "uint8 %dx%dx%d".formatted(images.channels(), images.height(), images.width()),
                parameters);
    }

    /** Loaded from the cache, or computed and stored there, once per evaluator. */
    private ReferenceFeatures reference() {
        if (reference != null) {
            return reference;
        }
        byte[] pixels = referencePixels();
        int n = referenceIndices.length;
        int subsetSize = Math.min(KernelDistance.DEFAULT_SUBSET_SIZE, n);
        referenceKey = key(pixels, subsetSize);
        Optional<byte[]> cached = cache.get(referenceKey);
        if (cached.isPresent()) {
            try {
                reference = ReferenceFeatures.decode(cached.get());
                return reference;
            } catch (IllegalArgumentException e) {
                // A damaged entry is recomputed and overwritten, never used.
            }
        }
        reference = ReferenceFeatures.of(
                features(pixels, n),
                PrecisionRecall.DEFAULT_K,
                KernelDistance.drawSubsets(n, KernelDistance.DEFAULT_SUBSETS, subsetSize, REFERENCE_SUBSETS_SEED));
        cache.put(referenceKey, reference.encode());
        return reference;
    }

    private FeatureMatrix features(byte[] pixels, int count) {
        int size = images.imageBytes();
        long[] shape = {images.channels(), images.height(), images.width()};
        float[] all = null;
        int d = 0;
        for (int from = 0; from < count; from += FEATURE_BATCH) {
            int n = Math.min(FEATURE_BATCH, count - from);
            float[] batch = new float[n * size];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (pixels[from * size + i] & 0xff) / 127.5f - 1f;
            }
            float[] f = extractor.features(batch, n, shape);
            if (all == null) {
                d = f.length / n;
                all = new float[Math.multiplyExact(count, d)];
            }
            if (f.length != n * d) {
                throw new IllegalStateException(
                        "the feature network gave " + f.length + " values for " + n + " images of " + d + " features");
            }
            System.arraycopy(f, 0, all, from * d, f.length);
        }
        return FeatureMatrix.of(all, count, d);
    }

    private byte[] referencePixels() {
        int size = images.imageBytes();
        byte[] out = new byte[Math.multiplyExact(referenceIndices.length, size)];
        for (int i = 0; i < referenceIndices.length; i++) {
            System.arraycopy(images.pixels(), referenceIndices[i] * size, out, i * size, size);
        }
        return out;
    }

    private String key(byte[] pixels, int subsetSize) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String header = String.join(
                    "\n",
                    FORMAT_VERSION,
                    extractor.networkSha256(),
                    extractor.output(),
                    extractor.resize(),
                    images.channels() + "x" + images.height() + "x" + images.width(),
                    Integer.toString(referenceIndices.length),
                    "kid " + KernelDistance.DEFAULT_SUBSETS + "x" + subsetSize + " seed " + REFERENCE_SUBSETS_SEED,
                    "k " + PrecisionRecall.DEFAULT_K,
                    "");
            sha.update(header.getBytes(StandardCharsets.UTF_8));
            sha.update(pixels);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code n} of a fixed permutation of {@code count} indices. */
    static int[] referenceIndices(int count, int n) {
        return KernelDistance.drawSubsets(count, 1, n, REFERENCE_SEED)[0];
    }

    /** Mean and standard deviation (population) of 8-bit pixel values, on 0–255. */
    record PixelMoments(double mean, double std) {

        static PixelMoments of(byte[] pixels) {
            double sum = 0;
            for (byte p : pixels) {
                sum += p & 0xff;
            }
            double mean = sum / pixels.length;
            double squares = 0;
            for (byte p : pixels) {
                double d = (p & 0xff) - mean;
                squares += d * d;
            }
            return new PixelMoments(mean, Math.sqrt(squares / pixels.length));
        }
    }
}
