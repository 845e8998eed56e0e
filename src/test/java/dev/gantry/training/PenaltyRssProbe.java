package dev.gantry.training;

import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;

/**
 * Child-process main for {@link RssStabilityTest}: trains grid25 with everything that goes
 * through the TorchScript helpers or keeps per-layer state (WGAN-GP, an adaptive feature-matching
 * term, spectral norm) and prints {@code rss <step> <kB>} every 100 steps.
 */
public final class PenaltyRssProbe {

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        TrainingConfig base = TestConfigs.grid25("wasserstein", steps, 5);
        LossConfig loss = new LossConfig(
                "wasserstein",
                0,
                List.of(
                        new TermConfig("gradient-penalty", 10, false, Map.of()),
                        new TermConfig("feature-matching", 0.5, true, Map.of())));
        TrainingConfig config = new TrainingConfig(
                base.data(),
                ModelConfig.mlp(2, 128, 3, true),
                loss,
                base.generatorOptimizer(),
                base.discriminatorOptimizer(),
                steps,
                base.batchSize(),
                1,
                base.seed(),
                500,
                500,
                2500,
                1000,
                0,
                0);
        GanTraining.run(config, null, new TrainingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                if (step % 100 == 0) {
                    System.out.println("rss " + step + " " + RssProbe.rssKb());
                }
            }
        });
        System.out.println("done");
    }
}
