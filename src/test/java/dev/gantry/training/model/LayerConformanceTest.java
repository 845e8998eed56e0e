package dev.gantry.training.model;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.model.ConvGolden.assertClose;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each convolutional layer against PyTorch ({@code scripts/training/conv_golden.py}): the output
 * and the gradients of L = Σ out ⊙ R w.r.t. the input and every parameter, and the state a
 * training pass leaves (running statistics); batch norm also in evaluation mode. The layers are
 * made as the architectures make them, and the weights loaded by their PyTorch names.
 */
class LayerConformanceTest {

    @TestFactory
    List<DynamicTest> convolution_matches_nn_conv2d() {
        return cases(
                "conv",
                c -> "conv " + c.get("in") + "→" + c.get("out") + " k" + c.get("kernel") + " s" + c.get("stride") + " p"
                        + c.get("padding") + (c.get("bias").getAsBoolean() ? " bias" : ""),
                LayerConformanceTest::convolution);
    }

    @TestFactory
    List<DynamicTest> nearest_upsampling_matches_f_interpolate() {
        return cases("upsample", c -> "upsample " + c.getAsJsonObject("input").get("shape"), (c, what) -> {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = ConvGolden.array(m, c.get("input"));
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = Upsample.NEAREST_2X.forward(x, new Pass(true, null, m));
                    assertClose(c, "output", y.toFloatArray(), FIRST_ORDER, what);
                    collector.backward(y.mul(ConvGolden.array(m, c.get("upstream"), y.getShape()))
                            .sum());
                }
                assertClose(c, "gradInput", x.getGradient().toFloatArray(), FIRST_ORDER, what + " dL/dx");
            }
            return null;
        });
    }

    @TestFactory
    List<DynamicTest> batch_norm_matches_nn_batchnorm2d_in_training_and_eval_mode() {
        return cases(
                "batchNorm", c -> "batch norm " + c.getAsJsonObject("input").get("shape"), (c, what) -> {
                    normalization(c, what, (f, channels) -> {
                        NDArray gamma = f.normal("bn.weight", 1, 1, channels);
                        NDArray beta = f.normal("bn.bias", 0, 1, channels);
                        return f.batchNorm("bn", gamma, beta);
                    });
                    return null;
                });
    }

    @TestFactory
    List<DynamicTest> conditional_batch_norm_matches_mimicry_layout() {
        return cases(
                "conditionalBatchNorm",
                c -> "conditional batch norm " + c.getAsJsonObject("input").get("shape") + " classes "
                        + c.get("classes"),
                (c, what) -> {
                    normalization(
                            c,
                            what,
                            (f, channels) -> f.conditionalBatchNorm(
                                    "bn", channels, c.get("classes").getAsInt()));
                    return null;
                });
    }

    @TestFactory
    List<DynamicTest> residual_blocks_match_sngan_blocks() {
        return cases(
                "residualBlocks",
                c -> c.get("kind").getAsString() + " block " + c.get("in") + "→" + c.get("out")
                        + (c.get("downsample").getAsBoolean() ? " downsampling" : "")
                        + (c.get("classes").getAsInt() > 0 ? " conditional" : ""),
                LayerConformanceTest::residualBlock);
    }

    private static Void convolution(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerFactory f = new LayerFactory(Network.builder("conv"), m);
            int in = c.get("in").getAsInt();
            int out = c.get("out").getAsInt();
            int k = c.get("kernel").getAsInt();
            NDArray w = f.normal("conv.weight", 0, 1, out, in, k, k);
            NDArray b = c.get("bias").getAsBoolean() ? f.normal("conv.bias", 0, 1, out) : null;
            f.network()
                    .output(f.conv(
                            "conv",
                            w,
                            b,
                            false,
                            c.get("stride").getAsInt(),
                            c.get("padding").getAsInt()));
            Network net = f.build();
            forwardAndBackward(m, net, c, what);
        }
        return null;
    }

    private static Void residualBlock(JsonObject c, String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerFactory f = new LayerFactory(Network.builder("block"), m);
            long in = c.get("in").getAsLong();
            long out = c.get("out").getAsLong();
            ResidualBlock block = switch (c.get("kind").getAsString()) {
                case "generator" ->
                    ResnetNetworks.generatorBlock(
                            f, "block", in, c.get("classes").getAsInt());
                case "discriminator" ->
                    ResnetNetworks.discriminatorBlock(
                            f, "block", in, out, c.get("downsample").getAsBoolean());
                default -> ResnetNetworks.optimizedBlock(f, "block", in, out);
            };
            f.network().output(block);
            f.drawSpectralVectors();
            forwardAndBackward(m, f.build(), c, what);
        }
        return null;
    }

    /** Training pass, then evaluation pass on the statistics it left. */
    private static void normalization(JsonObject c, String what, BiFunction<LayerFactory, Long, Layer> make) {
        try (NDManager m = NDManager.newBaseManager()) {
            LayerFactory f = new LayerFactory(Network.builder("bn"), m);
            NDArray probe = ConvGolden.array(m, c.get("input"));
            f.network().output(make.apply(f, probe.getShape().get(1)));
            Network net = f.build();
            forwardAndBackward(m, net, c, what);

            net.setTraining(false);
            NDArray x = ConvGolden.array(m, c.get("input"));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = net.forward(x, ConvGolden.labels(m, c));
                assertClose(c, "evalOutput", y.toFloatArray(), FIRST_ORDER, what + " eval output");
                collector.backward(y.mul(ConvGolden.array(m, c.get("upstream"), y.getShape()))
                        .sum());
            }
            assertClose(c, "evalGradInput", x.getGradient().toFloatArray(), FIRST_ORDER, what + " eval dL/dx");
        }
    }

    /** Loads the weights by name, runs one training-mode pass with L = Σ out ⊙ R and checks it all. */
    static void forwardAndBackward(NDManager m, Network net, JsonObject c, String what) {
        ConvGolden.load(net, c.getAsJsonObject("weights"));
        NDArray x = ConvGolden.array(m, c.get("input"));
        x.setRequiresGradient(true);
        net.zeroGradients();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray y = net.forward(x, ConvGolden.labels(m, c));
            assertClose(c, "output", y.toFloatArray(), FIRST_ORDER, what + " output");
            collector.backward(
                    y.mul(ConvGolden.array(m, c.get("upstream"), y.getShape())).sum());
        }
        assertClose(c, "gradInput", x.getGradient().toFloatArray(), FIRST_ORDER, what + " dL/dx");
        ConvGolden.assertParameterGradients(net, c, FIRST_ORDER, what);
        ConvGolden.assertState(net, c, what);
    }

    private static List<DynamicTest> cases(
            String group, Function<JsonObject, String> name, BiFunction<JsonObject, String, Void> check) {
        List<DynamicTest> tests = new ArrayList<>();
        List<JsonObject> all = ConvGolden.group(group);
        for (int i = 0; i < all.size(); i++) {
            JsonObject c = all.get(i);
            String what = name.apply(c) + " #" + i;
            tests.add(dynamicTest(what, () -> check.apply(c, what)));
        }
        return tests;
    }
}
