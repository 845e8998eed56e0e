package dev.gantry.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.ConvConfigs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Steps per second of the bare DCGAN-32 training step in Gantry's real loop ({@link GanTraining}
 * on random images: batch 64, 1 channel, latent 100, width 64, batch norm in D, non-saturating,
 * Adam 2e-4 (0.5, 0.999), one D step, no listener work) against {@code
 * ../shared/anchors/torch_dcgan32.py}, the same network and step in PyTorch eager (Debian's
 * python3-torch), run one after the other in the same run at the same intra-op thread count, with
 * the ratio, the model FLOPs of a step, and the model FLOP utilisation against the best dense rate
 * libtorch reaches in this process at that thread count (DESIGN §5 says its matmul; on this CPU
 * oneDNN's convolutions beat MKL's sgemm by 2×, so the larger of the two is the denominator).
 *
 * <p>Usage: {@code Dcgan32Benchmark [steps=40] [warmup=5] [rounds=1] [threads=1,2] [anchor path]}.
 * Start the JVM with {@code OMP_WAIT_POLICY=PASSIVE} so that the idle libtorch of one side does not
 * spin against the other.
 */
public final class Dcgan32Benchmark {

    static final int BATCH = 64;
    static final int LATENT = 100;
    static final int WIDTH = 64;

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String[] threadCounts = (args.length > 3 ? args[3] : "1,2").split(",");
        String anchor = args.length > 4 ? args[4] : "../shared/anchors/torch_dcgan32.py";
        // GanTraining's static initializer configures the engine before it starts.
        Class.forName(GanTraining.class.getName());
        Engine.getInstance(); // loads libtorch, which setNumThreads needs
        double flops = stepFlops();
        System.out.printf(
                "model FLOPs per step: %.2f GFLOP (batch %d, width %d, latent %d)%n",
                flops / 1e9, BATCH, WIDTH, LATENT);
        for (int round = 1; round <= rounds; round++) {
            for (String t : threadCounts) {
                int threads = Integer.parseInt(t.trim());
                JniUtils.setNumThreads(threads);
                double mkl = matmulFlopsPerSecond();
                double onednn = convolutionFlopsPerSecond();
                double peak = Math.max(mkl, onednn);
                double gantry = gantryStepsPerSecond(steps, warmup);
                double torch = torchStepsPerSecond(anchor, steps, threads);
                System.out.printf(
                        "round %d threads %d: gantry %.2f steps/s, torch %.2f steps/s, ratio %.2f; dense rate %.0f GFLOP/s"
                                + " (mm %.0f, conv %.0f), MFU gantry %.0f %%, torch %.0f %%%n",
                        round,
                        threads,
                        gantry,
                        torch,
                        gantry / torch,
                        peak / 1e9,
                        mkl / 1e9,
                        onednn / 1e9,
                        100 * flops * gantry / peak,
                        100 * flops * torch / peak);
            }
        }
    }

    static TrainingConfig config(int steps) {
        return ConvConfigs.config(
                new DataConfig("random", 32, 1),
                new ModelConfig("dcgan", LATENT, 0, 0, WIDTH, false, false, ModelConfig.NORM_BATCH),
                ConvConfigs.loss("non-saturating"),
                steps,
                BATCH,
                7);
    }

    static double gantryStepsPerSecond(int steps, int warmup) {
        TrainingConfig config = config(warmup + steps);
        long[] times = new long[2];
        GanTraining.run(config, ConvConfigs.data(config, 1024, 0), null, new TrainingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                if (step == warmup) {
                    times[0] = System.nanoTime();
                } else if (step == warmup + steps) {
                    times[1] = System.nanoTime();
                }
            }
        });
        return steps / ((times[1] - times[0]) / 1e9);
    }

    static double torchStepsPerSecond(String anchor, int steps, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "/usr/bin/python3", anchor, String.valueOf(steps), String.valueOf(threads))
                .redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        p.waitFor();
        Matcher m = Pattern.compile("([0-9.]+) steps/s").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no steps/s from the anchor:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Best of a few 1024 × 1024 × 1024 {@code matMul}s (2.1 GFLOP each; MKL's sgemm). */
    static double matmulFlopsPerSecond() {
        int n = 1024;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            return best(2.0 * n * n * n, () -> a.matMul(b));
        }
    }

    /**
     * Best of a few 3×3 convolutions of the generator's heaviest shape (batch 64, 128 → 256
     * channels at 8×8, 2.4 GFLOP): oneDNN, the library every convolution of the step runs on. On
     * this AMD CPU it reaches more than twice MKL's sgemm, which keeps to AVX2 there.
     */
    static double convolutionFlopsPerSecond() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(BATCH, 128, 8, 8));
            NDArray w = m.randomNormal(new Shape(256, 128, 3, 3));
            Shape one = new Shape(1, 1);
            return best(
                    2.0 * BATCH * 256 * 64 * 128 * 9,
                    () -> JniUtils.convolution((PtNDArray) x, (PtNDArray) w, null, one, one, one, 1));
        }
    }

    private static double best(double flops, java.util.function.Supplier<NDArray> op) {
        double best = 0;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            try (NDArray result = op.get()) {
                // CPU ops are synchronous: the product is done when the call returns.
            }
            best = Math.max(best, flops / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    /**
     * Multiply-adds × 2 of the convolutions and linear layers of one step, as the loop runs it:
     * G forward once (shared by both updates); D step: D forward on real and on fake, backward for
     * D's weights and for the inputs of every D layer but the first; G step: D forward on the fake,
     * backward through D to its input (D frozen, no weight gradients), then through G for its
     * weights and for the inputs of every G layer but the first. Batch norm, activations and Adam
     * are elementwise and left out.
     */
    static double stepFlops() {
        double[] g = {
            2.0 * BATCH * LATENT * 4 * WIDTH * 16, // fc
            conv(4 * WIDTH, 2 * WIDTH, 3, 8), // conv1 at 8×8
            conv(2 * WIDTH, WIDTH, 3, 16), // conv2 at 16×16
            conv(WIDTH, 1, 3, 32) // conv3 at 32×32
        };
        double[] d = {
            conv(1, WIDTH, 4, 16),
            conv(WIDTH, 2 * WIDTH, 4, 8),
            conv(2 * WIDTH, 4 * WIDTH, 4, 4),
            conv(4 * WIDTH, 1, 4, 1)
        };
        double fg = sum(g);
        double fd = sum(d);
        double dStep = 2 * fd + 2 * (fd + fd - d[0]);
        double gStep = fd + fd + fg + (fg - g[0]);
        return fg + dStep + gStep;
    }

    private static double conv(int in, int out, int k, int outSide) {
        return 2.0 * BATCH * out * outSide * outSide * in * k * k;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }
}
