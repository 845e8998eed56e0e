package dev.gantry.training.features;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;

/** The committed {@code vgg_tiny.pt} as a run takes it: loaded, with the info its validation gives. */
public final class TestFeatureNetworks {

    /** The id specs name it by. */
    public static final String VGG_TINY = "00000000-0000-0000-0000-0000000000aa";

    private TestFeatureNetworks() {}

    /** Probed and loaded as a worker would; the caller closes {@code network()}. */
    public static FeatureNetworks.Loaded vggTiny() {
        FeatureNetworkDescriptor descriptor = FeatureNetworkProbeTest.descriptor("vgg_tiny");
        byte[] module = FeatureNetworkProbeTest.bytes("vgg_tiny.pt");
        FeatureNetworkProbe.Result probe =
                FeatureNetworkProbe.run(module, descriptor, TrainingCatalog.featureProbeSides(descriptor));
        if (probe.failure() != null) {
            throw new IllegalStateException("vgg_tiny failed its validation: " + probe.failure());
        }
        return new FeatureNetworks.Loaded(
                new FeatureNetworkInfo(VGG_TINY, "sha", descriptor, probe.probes()),
                FeatureNetwork.load(module, descriptor));
    }
}
