package dev.gantry.training.features;

import dev.gantry.training.GanTraining;
import dev.gantry.training.RssProbe;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.ConvConfigs;
import java.util.Map;

/**
 * Child-process main for {@link PerceptualMemoryTest}: trains a small DCGAN-32 on random RGB images
 * with two perceptual terms on the committed VGG-style network, mse on its three taps and l1 on the
 * Gram matrices of one, for the given steps, with checkpoints and sample grids along the way, and
 * prints {@code rss <step> <kB>} every 100 steps. The network is loaded once, as a worker does.
 */
public final class PerceptualRssProbe {

    static final String ID = TestFeatureNetworks.VGG_TINY;

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        TermConfig taps = new TermConfig(
                "perceptual",
                10,
                false,
                Map.of("network", ID, "layers", Map.of("relu1_2", 1.0, "relu2_2", 1.0, "relu3_2", 0.5)));
        TermConfig style = new TermConfig(
                "perceptual",
                1,
                false,
                Map.of("network", ID, "layers", Map.of("relu2_2", 1.0), "distance", "l1", "gram", 1.0));
        TrainingConfig config = ConvConfigs.config(
                new DataConfig("random", 32, 3),
                new ModelConfig("dcgan", 32, 0, 0, 8, false, false, "batch"),
                ConvConfigs.loss("non-saturating", taps, style),
                steps,
                batch,
                1,
                500,
                500,
                0.999);
        FeatureNetworks.Loaded vgg = TestFeatureNetworks.vggTiny();
        try (FeatureNetwork network = vgg.network()) {
            GanTraining.run(
                    config,
                    ConvConfigs.data(config, 256, 0),
                    null,
                    new TrainingListener() {
                        @Override
                        public void onStep(long step, Map<String, Double> metrics) {
                            if (step % 100 == 0) {
                                System.out.println("rss " + step + " " + RssProbe.rssKb() + " perceptual "
                                        + metrics.get("loss/g/perceptual") + " gram "
                                        + metrics.get("loss/g/perceptual#2"));
                            }
                        }
                    },
                    FeatureNetworks.of(Map.of(ID, vgg)));
        }
        System.out.println("done");
    }
}
