package dev.gantry.training;

import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child-process main for {@link RssStabilityTest}: trains grid25 for the given steps, with
 * checkpoints and evaluations along the way, and prints {@code rss <step> <kB>} every 100 steps.
 * Every option that allocates per step is on (generator EMA, instance noise, a linear decay).
 */
public final class RssProbe {

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        TrainingConfig base = TestConfigs.grid25("non-saturating", steps, 5);
        OptimizerConfig decaying = new OptimizerConfig("adam", 1e-4, 0.5, 0.9, "linear", steps / 2);
        TrainingConfig config = new TrainingConfig(
                base.data(),
                ModelConfig.mlp(2, 128, 3, false),
                base.loss(),
                decaying,
                decaying,
                steps,
                base.batchSize(),
                1,
                base.seed(),
                500,
                500,
                2500,
                1000,
                0.999,
                0.1);
        GanTraining.run(config, null, new TrainingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                if (step % 100 == 0) {
                    System.out.println("rss " + step + " " + rssKb());
                }
            }
        });
        System.out.println("done");
    }

    public static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** The {@code rss <step> <kB>} lines a probe printed, by step. */
    public static java.util.TreeMap<Long, Long> readings(ChildJvm.Result child) {
        java.util.TreeMap<Long, Long> rss = new java.util.TreeMap<>();
        for (String line : child.lines()) {
            if (line.startsWith("rss ")) {
                String[] parts = line.split(" ");
                rss.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        }
        return rss;
    }
}
