package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mlp} architecture: generator latentDim → [Linear, ReLU] × hiddenLayers → Linear → 2;
 * discriminator 2 → [Linear, LeakyReLU(0.2)] × hiddenLayers → Linear → 1 logit, every Linear
 * spectrally normalized when {@link ModelConfig#spectralNorm()}.
 *
 * <p>Weights and biases start at U(−1/√fanIn, 1/√fanIn), PyTorch's {@code nn.Linear} default, so
 * hyper-parameters carry over from PyTorch scripts. They are drawn from libtorch's generator, layer
 * by layer, weight then bias (the order DJL's {@code Linear} blocks drew them in, so runs from
 * before spectral norm existed start from the same values); the spectral-norm vectors u come
 * after all of them. Seed the engine before building.
 */
public final class MlpNetworks {

    /** Width of every layer of the frozen feature network of the perceptual loss. */
    public static final int FEATURE_UNITS = 64;

    private MlpNetworks() {}

    public static Network generator(ModelConfig config, NDManager manager) {
        return build(
                "generator",
                config.latentDim(),
                config.hiddenUnits(),
                config.hiddenLayers(),
                2,
                Nonlinearity.RELU,
                false,
                manager);
    }

    public static Network discriminator(ModelConfig config, NDManager manager) {
        return build(
                "discriminator",
                2,
                config.hiddenUnits(),
                config.hiddenLayers(),
                1,
                Nonlinearity.LEAKY_RELU,
                config.spectralNorm(),
                manager);
    }

    /**
     * The perceptual loss's fixed random feature network: 2 → [Linear(64), LeakyReLU(0.2)] ×
     * {@code layers}, no output layer, never trained.
     */
    public static Network features(int layers, NDManager manager) {
        Network net = build("features", 2, FEATURE_UNITS, layers, 0, Nonlinearity.LEAKY_RELU, false, manager);
        net.setTrainable(false);
        return net;
    }

    private static Network build(
            String role,
            int inputs,
            int units,
            int hiddenLayers,
            int outputs,
            Nonlinearity activation,
            boolean spectralNorm,
            NDManager manager) {
        List<NDArray[]> weights = new ArrayList<>();
        int fanIn = inputs;
        for (int i = 0; i <= hiddenLayers; i++) {
            int out = i < hiddenLayers ? units : outputs;
            if (out == 0) {
                break;
            }
            float bound = (float) (1 / Math.sqrt(fanIn));
            NDArray w = manager.randomUniform(-bound, bound, new Shape(out, fanIn), DataType.FLOAT32);
            NDArray b = manager.randomUniform(-bound, bound, new Shape(out), DataType.FLOAT32);
            weights.add(new NDArray[] {w, b});
            fanIn = out;
        }
        Network.Builder net = Network.builder(role);
        List<Dense> layers = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            String name = "fc" + i;
            NDArray w = net.parameter(name + ".weight", weights.get(i)[0]);
            NDArray b = net.parameter(name + ".bias", weights.get(i)[1]);
            layers.add(new Dense(name, w, b, null));
        }
        if (spectralNorm) {
            for (int i = 0; i < layers.size(); i++) {
                Dense d = layers.get(i);
                NDArray u = net.buffer(d.name() + ".weight_u", SpectralNorm.initialU(d.weight(), manager));
                layers.set(i, new Dense(d.name(), d.weight(), d.bias(), u));
            }
        }
        for (int i = 0; i < hiddenLayers; i++) {
            net.add(layers.get(i)).add(activation).tap();
        }
        if (outputs > 0) {
            net.output(layers.get(hiddenLayers));
        }
        return net.build();
    }

    /** Identifies the shape of both networks; a checkpoint only loads into an equal signature. */
    public static String signature(ModelConfig config) {
        return config.architecture() + " latentDim=" + config.latentDim() + " hiddenUnits=" + config.hiddenUnits()
                + " hiddenLayers=" + config.hiddenLayers() + (config.spectralNorm() ? " spectralNorm=true" : "");
    }
}
