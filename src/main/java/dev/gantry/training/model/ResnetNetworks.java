package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code resnet} architecture: SNGAN's ResNet generator and discriminator for 32×32 (Miyato et
 * al. 2018, appendix B.4; Mimicry's {@code SNGANGenerator32} and {@code SNGANDiscriminator32},
 * whose names they keep), with ngf = 2·{@code model.width} and ndf = {@code model.width}, so that
 * width 128 is SNGAN-32's ngf 256, ndf 128:
 *
 * <pre>
 * G: l1 Linear(nz, ngf·16) → view (ngf, 4, 4) → block2, block3, block4 (generator blocks, 4 → 32)
 *    → b5 BN → ReLU → c5 conv3×3 (ngf → C) → tanh
 * D: block1 (optimized, 32 → 16) → block2 (→ 8) → block3 → block4 → ReLU → Σ over H, W
 *    → l5 Linear(ndf, 1)
 * </pre>
 *
 * ({@link ResidualBlock} has the blocks; both networks store their maps channels-last, {@link
 * ChannelsLast}.) Every discriminator layer is spectrally normalized,
 * always. Upsampling is nearest, as in the authors' Chainer code (Mimicry uses bilinear). Features
 * are the outputs of D's four blocks. Conditional (cGAN-PD, Miyato & Koyama 2018; Mimicry's {@code
 * CGANPDGenerator32}/{@code CGANPDDiscriminator32}): the generator blocks' batch norms are
 * {@link ConditionalBatchNorm}s ({@code b5} stays plain) and D adds ⟨l_y(y), h⟩ on the pooled
 * features ({@link ProjectionHead}).
 *
 * <p>Initialisation as Mimicry: Xavier-uniform weights with gain √2 for the blocks' 3×3
 * convolutions and 1 for the shortcuts, l1, c5, l5 and l_y; biases PyTorch's default
 * U(±1/√fan_in); batch-norm gains 1 and biases 0 (conditional ones too, as Miyato & Koyama's code;
 * Mimicry draws them from N(1, 0.02)). Drawn from libtorch's generator in the order of the names,
 * each weight then its bias, then D's spectral-norm vectors u in the same order.
 */
public final class ResnetNetworks {

    static final double BLOCK_GAIN = Math.sqrt(2);

    private ResnetNetworks() {}

    public static int generatorChannels(ModelConfig model) {
        return 2 * model.width();
    }

    public static Network generator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        long ngf = generatorChannels(model);
        LayerFactory f = new LayerFactory(Network.builder("generator"), manager);
        NDArray l1 = f.xavier("l1.weight", 1, ngf * 16, model.latentDim());
        NDArray l1Bias = f.defaultBias("l1.bias", model.latentDim(), ngf * 16);
        f.network()
                .add(new Dense("l1", l1, l1Bias, null))
                .add(new Reshape(ngf, 4, 4))
                .add(ChannelsLast.INSTANCE);
        for (int b = 2; b <= 4; b++) {
            f.network().add(generatorBlock(f, "block" + b, ngf, classes));
        }
        f.network().add(batchNorm(f, "b5", ngf)).add(Nonlinearity.RELU);
        Conv2d c5 = conv(f, "c5", ngf, data.channels(), 3, 1, false);
        f.network().output(Sequence.of(c5, Nonlinearity.TANH));
        return f.build();
    }

    public static Network discriminator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        long ndf = model.width();
        LayerFactory f = new LayerFactory(Network.builder("discriminator"), manager);
        f.network()
                .add(ChannelsLast.INSTANCE)
                .add(optimizedBlock(f, "block1", data.channels(), ndf))
                .tap();
        f.network().add(discriminatorBlock(f, "block2", ndf, ndf, true)).tap();
        f.network().add(discriminatorBlock(f, "block3", ndf, ndf, false)).tap();
        f.network().add(discriminatorBlock(f, "block4", ndf, ndf, false)).tap();
        f.network().add(Nonlinearity.RELU).add(Pooling.GLOBAL_SUM);
        NDArray l5 = f.xavier("l5.weight", 1, 1, ndf);
        NDArray l5Bias = f.defaultBias("l5.bias", ndf, 1);
        Layer logit = f.dense("l5", l5, l5Bias, true);
        if (classes > 0) {
            logit = f.projection(logit, "l_y", f.xavier("l_y.weight", 1, classes, ndf), true);
        }
        f.network().output(logit);
        f.drawSpectralVectors();
        return f.build();
    }

    /** BN → ReLU → up×2 → c1 → BN → ReLU → c2, shortcut up×2 → c_sc 1×1 (Mimicry's GBlock). */
    static ResidualBlock generatorBlock(LayerFactory f, String name, long channels, int classes) {
        Layer b1 = normalization(f, name + ".b1", channels, classes);
        Conv2d c1 = conv(f, name + ".c1", channels, channels, 3, BLOCK_GAIN, false);
        Layer b2 = normalization(f, name + ".b2", channels, classes);
        Conv2d c2 = conv(f, name + ".c2", channels, channels, 3, BLOCK_GAIN, false);
        Conv2d shortcut = conv(f, name + ".c_sc", channels, channels, 1, 1, false);
        return new ResidualBlock(
                Sequence.of(b1, Nonlinearity.RELU, Upsample.NEAREST_2X, c1, b2, Nonlinearity.RELU, c2),
                Sequence.of(Upsample.NEAREST_2X, shortcut));
    }

    /**
     * ReLU → c1 → ReLU → c2 [→ avgpool]; shortcut c_sc 1×1 [→ avgpool] when it downsamples or
     * changes the channels, else identity (Mimicry's DBlock, hidden channels = in).
     */
    static ResidualBlock discriminatorBlock(LayerFactory f, String name, long in, long out, boolean downsample) {
        Conv2d c1 = conv(f, name + ".c1", in, in, 3, BLOCK_GAIN, true);
        Conv2d c2 = conv(f, name + ".c2", in, out, 3, BLOCK_GAIN, true);
        List<Layer> residual = new ArrayList<>(List.of(Nonlinearity.RELU, c1, Nonlinearity.RELU, c2));
        List<Layer> shortcut = new ArrayList<>();
        if (in != out || downsample) {
            shortcut.add(conv(f, name + ".c_sc", in, out, 1, 1, true));
        }
        if (downsample) {
            residual.add(Pooling.AVERAGE_2X2);
            shortcut.add(Pooling.AVERAGE_2X2);
        }
        return new ResidualBlock(new Sequence(residual), new Sequence(shortcut));
    }

    /** c1 → ReLU → c2 → avgpool; shortcut avgpool → c_sc 1×1 (Mimicry's DBlockOptimized). */
    static ResidualBlock optimizedBlock(LayerFactory f, String name, long in, long out) {
        Conv2d c1 = conv(f, name + ".c1", in, out, 3, BLOCK_GAIN, true);
        Conv2d c2 = conv(f, name + ".c2", out, out, 3, BLOCK_GAIN, true);
        Conv2d shortcut = conv(f, name + ".c_sc", in, out, 1, 1, true);
        return new ResidualBlock(
                Sequence.of(c1, Nonlinearity.RELU, c2, Pooling.AVERAGE_2X2),
                Sequence.of(Pooling.AVERAGE_2X2, shortcut));
    }

    /** A k×k convolution, stride 1, "same" padding, with bias; Xavier weight, default bias. */
    private static Conv2d conv(LayerFactory f, String name, long in, long out, int k, double gain, boolean sn) {
        NDArray w = f.xavier(name + ".weight", gain, out, in, k, k);
        NDArray b = f.defaultBias(name + ".bias", in * k * k, out);
        return f.conv(name, w, b, sn, 1, k / 2);
    }

    private static Layer normalization(LayerFactory f, String name, long channels, int classes) {
        return classes > 0 ? f.conditionalBatchNorm(name, channels, classes) : batchNorm(f, name, channels);
    }

    private static BatchNorm batchNorm(LayerFactory f, String name, long channels) {
        return f.batchNorm(
                name,
                f.constantParameter(name + ".weight", 1, channels),
                f.constantParameter(name + ".bias", 0, channels));
    }
}
