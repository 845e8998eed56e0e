package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code srresnet} architecture for super-resolution: SRGAN's generator (Ledig et al. 2017,
 * "Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network", fig. 4)
 * on the low-resolution image, and the {@code dcgan} discriminator ({@link DcganNetworks}) on
 * high-resolution ones. With w = {@code model.width}, B = {@code model.hiddenLayers} residual
 * blocks and C = {@code data.channels}:
 *
 * <pre>
 * head      conv 9×9 (C → w) → ReLU                                   = h
 * blocks.i  [conv1 3×3 → bn1 → ReLU → conv2 3×3 → bn2] + identity      i = 0 … B−1
 * body      conv 3×3 → bn, + h                                         (the long skip)
 * up.k      up×2 → conv 3×3 (w → w) → ReLU                             k = 0 … log₂(scale) − 1
 * tail      conv 9×9 (w → C) → tanh
 * </pre>
 *
 * Two departures from the paper: ReLU for PReLU (DJL's PyTorch engine has no PReLU), and nearest
 * upsampling followed by a convolution (resize-convolution) for sub-pixel convolution, which is
 * free of checkerboard artefacts. Initialisation is PyTorch's default for convolutions (U(−b, b),
 * b = 1/√fan-in, for weights and biases) and 1, 0 for batch norm, drawn in name order. Names are
 * the state-dict names of {@code SrResNetGenerator} in {@code scripts/export/gantry_models.py}.
 */
public final class SrResNetNetworks {

    private SrResNetNetworks() {}

    public static Network generator(ModelConfig model, DataConfig data, int scale, NDManager manager) {
        long w = model.width();
        LayerFactory f = new LayerFactory(Network.builder("generator"), manager);
        f.network()
                .add(ChannelsLast.INSTANCE)
                .add(conv(f, "head", data.channels(), w, 9))
                .add(Nonlinearity.RELU);
        List<Layer> body = new ArrayList<>();
        for (int i = 0; i < model.hiddenLayers(); i++) {
            String name = "blocks." + i;
            body.add(new ResidualBlock(
                    Sequence.of(
                            conv(f, name + ".conv1", w, w, 3),
                            batchNorm(f, name + ".bn1", w),
                            Nonlinearity.RELU,
                            conv(f, name + ".conv2", w, w, 3),
                            batchNorm(f, name + ".bn2", w)),
                    Sequence.of()));
        }
        body.add(conv(f, "body", w, w, 3));
        body.add(batchNorm(f, "body_bn", w));
        f.network().add(new ResidualBlock(new Sequence(body), Sequence.of()));
        for (int k = 0; (1 << k) < scale; k++) {
            f.network()
                    .add(Upsample.NEAREST_2X)
                    .add(conv(f, "up." + k, w, w, 3))
                    .add(Nonlinearity.RELU);
        }
        f.network().output(Sequence.of(conv(f, "tail", w, data.channels(), 9), Nonlinearity.TANH));
        return f.build();
    }

    /** A convolution with PyTorch's default init, bias included, "same" padding. */
    private static Conv2d conv(LayerFactory f, String name, long in, long out, int k) {
        float bound = (float) (1 / Math.sqrt(in * k * k));
        NDArray weight = f.uniform(name + ".weight", bound, out, in, k, k);
        NDArray bias = f.uniform(name + ".bias", bound, out);
        return f.conv(name, weight, bias, false, 1, k / 2);
    }

    private static BatchNorm batchNorm(LayerFactory f, String name, long channels) {
        return f.batchNorm(
                name,
                f.constantParameter(name + ".weight", 1, channels),
                f.constantParameter(name + ".bias", 0, channels));
    }
}
