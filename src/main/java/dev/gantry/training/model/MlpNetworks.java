package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.gantry.training.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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

    public static final float LEAKY_SLOPE = 0.2f;

    /** Width of every layer of the frozen feature network of the perceptual loss. */
    public static final int FEATURE_UNITS = 64;

    private static final UnaryOperator<NDArray> RELU = Activation::relu;
    private static final UnaryOperator<NDArray> LEAKY_RELU = x -> Activation.leakyRelu(x, LEAKY_SLOPE);

    private MlpNetworks() {}

    public static Network generator(ModelConfig config, NDManager manager) {
        return build(
                "generator", config.latentDim(), config.hiddenUnits(), config.hiddenLayers(), 2, RELU, false, manager);
    }

    public static Network discriminator(ModelConfig config, NDManager manager) {
        return build(
                "discriminator",
                2,
                config.hiddenUnits(),
                config.hiddenLayers(),
                1,
                LEAKY_RELU,
                config.spectralNorm(),
                manager);
    }

    /**
     * The perceptual loss's fixed random feature network: 2 → [Linear(64), LeakyReLU(0.2)] ×
     * {@code layers}, no output layer, never trained.
     */
    public static Network features(int layers, NDManager manager) {
        Network net = build("features", 2, FEATURE_UNITS, layers, 0, LEAKY_RELU, false, manager);
        net.setTrainable(false);
        return net;
    }

    private static Network build(
            String role,
            int inputs,
            int units,
            int hiddenLayers,
            int outputs,
            UnaryOperator<NDArray> activation,
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
        List<DenseLayer> layers = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i)[0];
            w.setRequiresGradient(true);
            weights.get(i)[1].setRequiresGradient(true);
            NDArray u = null;
            if (spectralNorm) {
                // torch.nn.utils.spectral_norm: u = normalize(N(0, 1) of length out).
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray draw = scratch.randomNormal(new Shape(w.getShape().get(0)));
                    u = draw.div(draw.norm().maximum(SpectralNorm.EPSILON));
                    u.attach(manager);
                }
            }
            layers.add(new DenseLayer("fc" + i, w, weights.get(i)[1], u));
        }
        DenseLayer output = outputs == 0 ? null : layers.remove(layers.size() - 1);
        return new Network(role, layers, output, activation);
    }

    /** Identifies the shape of both networks; a checkpoint only loads into an equal signature. */
    public static String signature(ModelConfig config) {
        return config.architecture() + " latentDim=" + config.latentDim() + " hiddenUnits=" + config.hiddenUnits()
                + " hiddenLayers=" + config.hiddenLayers() + (config.spectralNorm() ? " spectralNorm=true" : "");
    }
}
