package dev.gantry.training.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.eval.FeatureExtractor;
import java.util.List;

/**
 * An uploaded feature network as FID, KID and precision/recall use it: one named output, in
 * evaluation mode without gradients, averaged over its spatial axes when it has any (Inception's
 * {@code pool3} may come as (N, 2048, 1, 1) or (N, 2048); a VGG tap becomes its per-channel mean).
 */
public final class FeatureNetworkExtractor implements FeatureExtractor {

    private final FeatureNetwork network;
    private final String sha256;
    private final String output;

    public FeatureNetworkExtractor(FeatureNetwork network, FeatureNetworkInfo info, String output) {
        if (!info.descriptor().outputs().contains(output)) {
            throw new IllegalArgumentException("feature network " + info.id() + " has no output " + output + "; it has "
                    + info.descriptor().outputs());
        }
        this.network = network;
        this.sha256 = info.sha256();
        this.output = output;
    }

    @Override
    public String networkSha256() {
        return sha256;
    }

    @Override
    public String output() {
        return output;
    }

    @Override
    public String resize() {
        Integer size = network.descriptor().input().size();
        return size == null ? "none" : network.descriptor().input().resize() + " " + size + "x" + size;
    }

    @Override
    public float[] features(float[] images, int count, long[] sampleShape) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(images, new Shape(count, sampleShape[0], sampleShape[1], sampleShape[2]));
            NDArray out = network.run(network.input(x), false).get(output);
            if (out == null) {
                throw new IllegalStateException("the module returned no output " + output);
            }
            if (out.getShape().dimension() > 2) {
                int[] spatial = new int[out.getShape().dimension() - 2];
                for (int i = 0; i < spatial.length; i++) {
                    spatial[i] = i + 2;
                }
                out = out.mean(spatial);
            }
            return out.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** The output evaluation uses by default: the descriptor's last (list Inception's pool3 last). */
    public static String defaultOutput(FeatureNetworkInfo info) {
        List<String> outputs = info.descriptor().outputs();
        return outputs.get(outputs.size() - 1);
    }
}
