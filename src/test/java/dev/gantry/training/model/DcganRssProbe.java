package dev.gantry.training.model;

import dev.gantry.training.GanTraining;
import dev.gantry.training.RssProbe;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;
import java.util.Map;

/**
 * Child-process main for {@link ConvMemoryTest}: trains a small conditional DCGAN-32 (batch norm in
 * G, spectral norm and the projection in D, generator EMA) with the gradient penalty (double
 * backprop through the convolutions) and adaptive augmentation on random images for the given
 * steps, with checkpoints and sample grids along the way, and prints {@code rss <step> <kB>} every
 * 100 steps.
 */
public final class DcganRssProbe {

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        TrainingConfig config = ConvConfigs.config(
                new DataConfig("random", 32, 1),
                new ModelConfig("dcgan", 32, 0, 0, 8, true, true, "none"),
                ConvConfigs.loss("wasserstein", new TermConfig("gradient-penalty", 10, false, Map.of())),
                steps,
                16,
                1,
                500,
                500,
                0.999);
        config = config.toBuilder()
                .augment(new AugmentConfig(List.of("color", "translation", "cutout"), true, 0.6, 4, 1))
                .build();
        GanTraining.run(config, ConvConfigs.data(config, 256, 4), null, new TrainingListener() {
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
