package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;

/**
 * The {@code dcgan} architecture (Radford et al. 2016, "Unsupervised Representation Learning with
 * Deep Convolutional Generative Adversarial Networks") at 32×32 (s = 3 stages) and 64×64 (s = 4),
 * with ngf = ndf = {@code model.width}, C = {@code data.channels}, nz = {@code model.latentDim}.
 * No layer has a bias. At 32×32 both are exactly the networks of {@code
 * ../shared/anchors/torch_dcgan32.py}:
 *
 * <pre>
 * G: fc Linear(nz, 2^(s−1)·ngf·16) → view (2^(s−1)·ngf, 4, 4) → bn0 → ReLU
 *    [up×2 → conv_i 3×3 (halves the channels) → bn_i → ReLU]  i = 1 … s−1
 *    up×2 → conv_s 3×3 (ngf → C) → tanh
 * D: conv0 4×4/2 (C → ndf) → LeakyReLU(0.2)
 *    [conv_i 4×4/2 (doubles the channels) → bn_i → LeakyReLU(0.2)]  i = 1 … s−1
 *    conv_s 4×4 valid (→ 1) → flatten
 * </pre>
 *
 * The generator upsamples by nearest neighbour and a 3×3 convolution (resize-convolution, Odena et
 * al. 2016): DJL has no transposed convolution on PyTorch. D's {@code bn_i} exist only with {@code
 * discriminatorNorm = batch}; with {@code spectralNorm} every D convolution is spectrally
 * normalized. Both store their maps channels-last ({@link ChannelsLast}), which changes no value but
 * saves time. Features (for feature matching and the contrastive term) are each D stage's
 * LeakyReLU output. Conditional: every {@code bn_i} of G is a {@link ConditionalBatchNorm}, and D's
 * output adds the projection ⟨embed(y), Σ_ij h⟩ on the last stage's maps h ({@link ProjectionHead}).
 *
 * <p>Initialisation as the DCGAN paper and PyTorch's DCGAN example: every weight (fc, conv,
 * projection embedding) N(0, 0.02), batch-norm gains N(1, 0.02) and biases 0, conditional gains 1
 * and biases 0. Drawn from libtorch's generator in the order of the names (G: fc, bn0 gain, conv1,
 * bn1 gain, …; D: conv0, conv1, bn1 gain, …, conv_s, embed), then D's spectral-norm vectors u in
 * the same order. Seed the engine before building.
 *
 * <p>Names are the state-dict names of {@code DcganGenerator} and {@code DcganDiscriminator} in
 * {@code scripts/export/gantry_models.py}.
 */
public final class DcganNetworks {

    static final float WEIGHT_STD = 0.02f;

    private DcganNetworks() {}

    /** Upsampling stages of G, strided stages of D: 3 at 32×32, 4 at 64×64. */
    static int stages(int resolution) {
        return switch (resolution) {
            case 32 -> 3;
            case 64 -> 4;
            default -> throw new IllegalArgumentException("dcgan is built for 32×32 and 64×64, not " + resolution);
        };
    }

    public static Network generator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        int stages = stages(data.resolution());
        long top = (long) model.width() << (stages - 1);
        LayerFactory f = new LayerFactory(Network.builder("generator"), manager);
        NDArray fc = f.normal("fc.weight", 0, WEIGHT_STD, top * 16, model.latentDim());
        f.network()
                .add(new Dense("fc", fc, null, null))
                .add(new Reshape(top, 4, 4))
                .add(ChannelsLast.INSTANCE);
        for (int i = 0; i < stages; i++) {
            long c = top >> i;
            f.network().add(normalization(f, "bn" + i, c, classes)).add(Nonlinearity.RELU);
            long out = i < stages - 1 ? c / 2 : data.channels();
            NDArray w = f.normal("conv" + (i + 1) + ".weight", 0, WEIGHT_STD, out, c, 3, 3);
            Conv2d conv = f.conv("conv" + (i + 1), w, null, false, 1, 1);
            f.network().add(Upsample.NEAREST_2X);
            if (i < stages - 1) {
                f.network().add(conv);
            } else {
                f.network().output(Sequence.of(conv, Nonlinearity.TANH));
            }
        }
        return f.build();
    }

    public static Network discriminator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        int stages = stages(data.resolution());
        boolean sn = model.spectralNorm();
        LayerFactory f = new LayerFactory(Network.builder("discriminator"), manager);
        long c = model.width();
        NDArray w0 = f.normal("conv0.weight", 0, WEIGHT_STD, c, data.channels(), 4, 4);
        f.network()
                .add(f.conv("conv0", w0, null, sn, 2, 1))
                .add(Nonlinearity.LEAKY_RELU)
                .tap();
        for (int i = 1; i < stages; i++) {
            NDArray w = f.normal("conv" + i + ".weight", 0, WEIGHT_STD, 2 * c, c, 4, 4);
            f.network().add(f.conv("conv" + i, w, null, sn, 2, 1));
            c *= 2;
            if (model.discriminatorBatchNorm()) {
                f.network().add(batchNorm(f, "bn" + i, c));
            }
            f.network().add(Nonlinearity.LEAKY_RELU).tap();
        }
        NDArray last = f.normal("conv" + stages + ".weight", 0, WEIGHT_STD, 1, c, 4, 4);
        Layer logit = Sequence.of(f.conv("conv" + stages, last, null, sn, 1, 0), Reshape.FLATTEN);
        if (classes > 0) {
            NDArray embedding = f.normal("embed.weight", 0, WEIGHT_STD, classes, c);
            logit = f.projection(logit, "embed", embedding, sn);
        }
        f.network().output(logit);
        f.drawSpectralVectors();
        return f.build();
    }

    private static Layer normalization(LayerFactory f, String name, long channels, int classes) {
        return classes > 0 ? f.conditionalBatchNorm(name, channels, classes) : batchNorm(f, name, channels);
    }

    private static BatchNorm batchNorm(LayerFactory f, String name, long channels) {
        NDArray gamma = f.normal(name + ".weight", 1, WEIGHT_STD, channels);
        NDArray beta = f.constantParameter(name + ".bias", 0, channels);
        return f.batchNorm(name, gamma, beta);
    }
}
