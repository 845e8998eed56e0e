package dev.gantry.training.features;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;

/** The committed test networks as a run takes them: loaded, with the info their validation gives. */
public final class TestFeatureNetworks {

    /** The id specs name it by. */
    public static final String VGG_TINY = "00000000-0000-0000-0000-0000000000aa";

    private TestFeatureNetworks() {}

    /** The id specs name {@code pooled_tiny.pt} by. */
    public static final String POOLED_TINY = "00000000-0000-0000-0000-0000000000bb";

    /** Probed and loaded as a worker would; the caller closes {@code network()}. */
    public static FeatureNetworks.Loaded vggTiny() {
        return load("vgg_tiny", VGG_TINY);
    }

    /** The pooled-feature test network the metrics take; the caller closes {@code network()}. */
    public static FeatureNetworks.Loaded pooledTiny() {
        return load("pooled_tiny", POOLED_TINY);
    }

    private static FeatureNetworks.Loaded load(String name, String id) {
        FeatureNetworkDescriptor descriptor = FeatureNetworkProbeTest.descriptor(name);
        byte[] module = FeatureNetworkProbeTest.bytes(name + ".pt");
        FeatureNetworkProbe.Result probe =
                FeatureNetworkProbe.run(module, descriptor, TrainingCatalog.featureProbeSides(descriptor));
        if (probe.failure() != null) {
            throw new IllegalStateException(name + " failed its validation: " + probe.failure());
        }
        return new FeatureNetworks.Loaded(
                new FeatureNetworkInfo(id, "sha-" + name, descriptor, probe.probes()),
                FeatureNetwork.load(module, descriptor));
    }
}
