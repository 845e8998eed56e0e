package dev.gantry.training.features;

import dev.gantry.training.GanTraining;
import dev.gantry.training.RssProbe;
import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;
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

    static final String ID = "00000000-0000-0000-0000-0000000000aa";

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        FeatureNetworkDescriptor descriptor = FeatureNetworkProbeTest.descriptor("vgg_tiny");
        byte[] module = FeatureNetworkProbeTest.bytes("vgg_tiny.pt");
        FeatureNetworkProbe.Result probe =
                FeatureNetworkProbe.run(module, descriptor, TrainingCatalog.featureProbeSides(descriptor));
        FeatureNetworkInfo info = new FeatureNetworkInfo(ID, "sha", descriptor, probe.probes());
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
        try (FeatureNetwork network = FeatureNetwork.load(module, descriptor)) {
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
                    FeatureNetworks.of(Map.of(ID, new FeatureNetworks.Loaded(info, network))));
        }
        System.out.println("done");
    }
}
