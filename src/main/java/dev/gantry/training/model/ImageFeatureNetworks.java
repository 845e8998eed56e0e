package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.DataConfig;

/**
 * The perceptual loss's fixed random feature network for images: {@code layers} × [conv{i} 3×3,
 * padding 1, C → 32 channels (32 → 32 after the first), LeakyReLU(0.2)], each activation a
 * feature. A layer halves the side (stride 2) while the map is larger than 4×4 and keeps it
 * (stride 1) from there on, so any depth up to the catalog's maximum fits every resolution:
 * 32×32 gives 16, 8, 4, 4, … . Weights and biases U(±1/√fan_in), PyTorch's default (as the 2-D
 * {@link MlpNetworks#features}), drawn from libtorch's generator layer by layer, weight then
 * bias; never trained, rebuilt from the seed on resume.
 */
public final class ImageFeatureNetworks {

    public static final int CHANNELS = 32;

    /** Where downsampling stops. */
    static final int SMALLEST_SIDE = 4;

    private ImageFeatureNetworks() {}

    public static Network build(DataConfig data, int layers, NDManager manager) {
        LayerFactory f = new LayerFactory(Network.builder("features"), manager);
        long in = data.channels();
        long side = data.resolution();
        for (int i = 0; i < layers; i++) {
            long fanIn = in * 9;
            float bound = (float) (1 / Math.sqrt(fanIn));
            NDArray w = f.uniform("conv" + i + ".weight", bound, CHANNELS, in, 3, 3);
            NDArray b = f.uniform("conv" + i + ".bias", bound, CHANNELS);
            int stride = side > SMALLEST_SIDE ? 2 : 1;
            side = stride == 2 ? (side + 1) / 2 : side;
            f.network()
                    .add(f.conv("conv" + i, w, b, false, stride, 1))
                    .add(Nonlinearity.LEAKY_RELU)
                    .tap();
            in = CHANNELS;
        }
        Network net = f.build();
        net.setTrainable(false);
        return net;
    }
}
