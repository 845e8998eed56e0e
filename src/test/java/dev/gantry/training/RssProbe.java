package dev.gantry.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child-process main for {@link RssStabilityTest}: trains grid25 for the given steps, with
 * checkpoints and evaluations along the way, and prints {@code rss <step> <kB>} every 100 steps.
 */
public final class RssProbe {

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        TrainingConfig base = TestConfigs.grid25("non-saturating", steps, 5);
        TrainingConfig config = new TrainingConfig(base.dataset(), new ModelConfig("mlp", 2, 128, 3), base.loss(),
                base.generatorOptimizer(), base.discriminatorOptimizer(), steps, base.batchSize(), 1, base.seed(),
                500, 500, 2500, 1000, 0, 0);
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

    static long rssKb() {
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
}
