package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.UniformInitializer;

import dev.gantry.training.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mlp} architecture: generator latentDim → [Linear, ReLU] × hiddenLayers → Linear → 2;
 * discriminator 2 → [Linear, LeakyReLU(0.2)] × hiddenLayers → Linear → 1 logit.
 *
 * <p>Weights and biases start at U(−1/√fanIn, 1/√fanIn), PyTorch's {@code nn.Linear} default, so
 * hyper-parameters carry over from PyTorch scripts. They are drawn from libtorch's generator: seed
 * the engine before building.
 */
public final class MlpNetworks {

    public static final float LEAKY_SLOPE = 0.2f;

    private MlpNetworks() {}

    public static Network generator(ModelConfig config, NDManager manager) {
        return build("generator", config.latentDim(), config, 2, false, manager);
    }

    public static Network discriminator(ModelConfig config, NDManager manager) {
        return build("discriminator", 2, config, 1, true, manager);
    }

    private static Network build(
            String role, int inputs, ModelConfig config, int outputs, boolean leaky, NDManager manager) {
        SequentialBlock block = new SequentialBlock();
        List<Linear> linears = new ArrayList<>();
        int fanIn = inputs;
        for (int i = 0; i <= config.hiddenLayers(); i++) {
            boolean last = i == config.hiddenLayers();
            Linear linear = Linear.builder().setUnits(last ? outputs : config.hiddenUnits()).build();
            UniformInitializer init = new UniformInitializer((float) (1 / Math.sqrt(fanIn)));
            linear.setInitializer(init, Parameter.Type.WEIGHT);
            linear.setInitializer(init, Parameter.Type.BIAS);
            block.add(linear);
            linears.add(linear);
            if (!last) {
                block.add(leaky ? Activation.leakyReluBlock(LEAKY_SLOPE) : Activation.reluBlock());
            }
            fanIn = config.hiddenUnits();
        }
        block.initialize(manager, DataType.FLOAT32, new Shape(1, inputs));
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (int i = 0; i < linears.size(); i++) {
            parameters.put("fc" + i + ".weight", linears.get(i).getParameters().get("weight").getArray());
            parameters.put("fc" + i + ".bias", linears.get(i).getParameters().get("bias").getArray());
        }
        return new Network(role, block, parameters, manager);
    }

    /** Identifies the shape of both networks; a checkpoint only loads into an equal signature. */
    public static String signature(ModelConfig config) {
        return config.architecture() + " latentDim=" + config.latentDim() + " hiddenUnits=" + config.hiddenUnits()
                + " hiddenLayers=" + config.hiddenLayers();
    }
}
