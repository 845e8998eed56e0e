package dev.gantry.training.bench;

import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trains a DCGAN on a built-in image set and writes the run's own 8×8 sample grids (fixed latents,
 * EMA generator) at a few steps, for {@code bench/images/}.
 *
 * <p>Usage: {@code SampleGrids DATASET CHANNELS WIDTH STEPS OUT_DIR STEP[,STEP…]}
 */
public final class SampleGrids {

    public static void main(String[] args) throws IOException {
        String dataset = args[0];
        int channels = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Set<Long> keep = Set.of(
                java.util.Arrays.stream(args[5].split(",")).map(Long::valueOf).toArray(Long[]::new));
        Files.createDirectories(out);
        OptimizerConfig adam = new OptimizerConfig("adam", 2e-4, 0.5, 0.999, "constant", 0);
        int every = (int) keep.stream().mapToLong(Long::longValue).reduce(0, SampleGrids::gcd);
        TrainingConfig config = new TrainingConfig(
                        new DataConfig(dataset, 32, channels),
                        new ModelConfig("dcgan", 100, 0, 0, width, false, false, "batch"),
                        new LossConfig("non-saturating", 0, List.of()),
                        adam,
                        adam,
                        steps,
                        64,
                        1,
                        7,
                        0,
                        every,
                        64,
                        every,
                        0.999,
                        0)
                .toBuilder().augment(AugmentConfig.OFF).build();
        long started = System.nanoTime();
        GanTraining.run(config, null, new TrainingListener() {
            @Override
            public void onEvaluation(long step, Map<String, Double> metrics, byte[] png) {
                if (png != null && keep.contains(step)) {
                    try {
                        Files.write(out.resolve(dataset + "-step-" + step + ".png"), png);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    System.out.printf("%s step %d: %.0f s%n", dataset, step, (System.nanoTime() - started) / 1e9);
                }
            }
        });
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
