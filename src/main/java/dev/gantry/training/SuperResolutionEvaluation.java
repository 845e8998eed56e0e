package dev.gantry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.eval.Bicubic;
import dev.gantry.training.eval.EvaluationProtocol;
import dev.gantry.training.eval.ImageEvaluator;
import dev.gantry.training.eval.ImageGrid;
import dev.gantry.training.eval.ImageQuality;
import dev.gantry.training.model.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Judges a super-resolution generator on the held-out images: each is made small exactly as in
 * training (with the same noise on every evaluation, drawn from the run's evaluation seed),
 * upscaled by the generator in evaluation mode (the EMA generator when the run keeps one), and
 * compared with the original: {@code eval/psnr}, {@code eval/ssim}, beside the same for bicubic
 * upsampling of the same input ({@code eval/psnr-bicubic}, {@code eval/ssim-bicubic}), the
 * baseline a learned upscaler must beat.
 */
final class SuperResolutionEvaluation {

    /** Held-out images per forward pass. */
    private static final int CHUNK = 32;

    /** Rows of the side-by-side sample image: input (nearest-upscaled) | output | target. */
    static final int GRID_ROWS = 8;

    private final TrainingState state;
    private final float[] targets;
    private final float[] inputs;
    private final int count;
    private final int channels;
    private final int side;
    private final int small;
    private Map<String, Double> bicubic;

    SuperResolutionEvaluation(TrainingState state, long seed) {
        this.state = state;
        ImageTensor images = state.validation;
        this.count = images.count();
        this.channels = images.channels();
        this.side = images.height();
        int scale = state.config.task().scale();
        this.small = side / scale;
        this.targets = new float[images.pixels().length];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (images.pixels()[i] & 0xff) / 127.5f - 1f;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hr = m.create(targets, new Shape(count, channels, side, side));
            this.inputs = state.lowResolution(hr, new SplittableRandom(seed)).toFloatArray();
        }
    }

    /**
     * The same for all four values: the held-out images (all of them) against the generator's
     * outputs in float, the scale and input noise that made the inputs, SSIM's Gaussian window.
     */
    private EvaluationProtocol protocol() {
        return new EvaluationProtocol(
                null,
                null,
                "none",
                count,
                "held-out",
                count,
                "float32 " + channels + "x" + side + "x" + side,
                Map.of(
                        "scale",
                        state.config.task().scale(),
                        "inputNoiseMicros",
                        (int) Math.round(state.config.task().inputNoise() * 1e6),
                        "ssimWindow",
                        11));
    }

    /**
     * PSNR and SSIM beside bicubic's; with a feature network also the outputs' FID, KID and
     * precision/recall against the held-out originals ({@code features}, or {@code null}).
     *
     * @param seed draws the outputs' KID subsets
     */
    ImageEvaluator.Evaluation metrics(ImageEvaluator features, long seed) {
        float[] outputs = upscale();
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("eval/psnr", ImageQuality.psnr(outputs, targets, count));
        out.put("eval/ssim", ImageQuality.ssim(outputs, targets, count, channels, side, side));
        out.putAll(bicubic());
        Map<String, EvaluationProtocol> protocols = new LinkedHashMap<>();
        EvaluationProtocol protocol = protocol();
        out.keySet().forEach(name -> protocols.put(name, protocol));
        if (features != null) {
            ImageEvaluator.Evaluation measured = features.evaluate(outputs, seed);
            for (String name : ImageEvaluator.FEATURE_METRICS) {
                out.put(name, measured.metrics().get(name));
                protocols.put(name, measured.protocols().get(name));
            }
        }
        return new ImageEvaluator.Evaluation(out, protocols);
    }

    /** {@value #GRID_ROWS} held-out images, each as input | output | target. */
    byte[] grid() {
        int rows = Math.min(GRID_ROWS, count);
        float[] outputs = upscale();
        int plane = channels * side * side;
        float[] cells = new float[rows * 3 * plane];
        float[] nearest = nearest(rows);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(nearest, r * plane, cells, (3 * r) * plane, plane);
            System.arraycopy(outputs, r * plane, cells, (3 * r + 1) * plane, plane);
            System.arraycopy(targets, r * plane, cells, (3 * r + 2) * plane, plane);
        }
        return ImageGrid.png(cells, rows * 3, channels, side, side, 3);
    }

    private Map<String, Double> bicubic() {
        if (bicubic == null) {
            float[] up = Bicubic.upsample(inputs, count, channels, small, small, side / small);
            bicubic = new LinkedHashMap<>();
            bicubic.put("eval/psnr-bicubic", ImageQuality.psnr(up, targets, count));
            bicubic.put("eval/ssim-bicubic", ImageQuality.ssim(up, targets, count, channels, side, side));
        }
        return bicubic;
    }

    /** The generator's outputs for every held-out input, in evaluation mode. */
    private float[] upscale() {
        Network generator = state.sampler();
        boolean wasTraining = generator.isTraining();
        generator.setTrainable(false);
        generator.setTraining(false);
        float[] out = new float[targets.length];
        int inSize = channels * small * small;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int start = 0; start < count; start += CHUNK) {
                int n = Math.min(CHUNK, count - start);
                try (NDManager s = m.newSubManager()) {
                    float[] part = new float[n * inSize];
                    System.arraycopy(inputs, start * inSize, part, 0, part.length);
                    float[] values = generator
                            .forward(s.create(part, new Shape(n, channels, small, small)))
                            .toFloatArray();
                    System.arraycopy(values, 0, out, start * channels * side * side, values.length);
                }
            }
        } finally {
            generator.setTraining(wasTraining);
        }
        return out;
    }

    /** The first {@code rows} inputs at full size, each pixel repeated: what the generator saw. */
    private float[] nearest(int rows) {
        int scale = side / small;
        float[] out = new float[rows * channels * side * side];
        for (int p = 0; p < rows * channels; p++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    out[(p * side + y) * side + x] = inputs[(p * small + y / scale) * small + x / scale];
                }
            }
        }
        return out;
    }
}
