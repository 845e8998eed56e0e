package dev.gantry.training.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gantry.training.autograd.TorchScriptAutograd;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The validation of an uploaded feature network: load it, run a probe batch, record each declared
 * output's shape. It must load as TorchScript, return a dict with every declared output, each a
 * float tensor with the batch axis first and finite values, the same in training mode (how the
 * perceptual loss runs it, to record the graph) as in evaluation mode, and differentiable down to
 * its input (or the generator would get no gradient from it). What fails is the reason the upload
 * is {@code FAILED}; runs in a generation process, never in the API.
 */
public final class FeatureNetworkProbe {

    /** Images per probe batch: two, so an output that mixes the batch or drops its axis shows. */
    public static final int BATCH = 2;

    /** Values per sample of one output, at most: a VGG19 relu1_2 at 224 × 224 has 3.2 million. */
    public static final long MAX_OUTPUT_VALUES = 1L << 24;

    /** |training − evaluation| allowed, relative to the output's largest magnitude (floor 1). */
    static final double MODE_TOLERANCE = 1e-5;

    /**
     * @param probes each output's shape per probed side, when it passed
     * @param parameters the module's parameter count (0 for a frozen module)
     * @param failure why it failed, or {@code null}
     */
    public record Result(List<FeatureProbe> probes, long parameters, String failure) {

        static Result failed(String why) {
            return new Result(List.of(), 0, why);
        }
    }

    private FeatureNetworkProbe() {}

    /**
     * @param sides the input sides to probe at: the descriptor's size, or for a network that takes
     *     any size every resolution jobs train at
     */
    public static Result run(byte[] module, FeatureNetworkDescriptor descriptor, List<Integer> sides) {
        FeatureNetwork network;
        try {
            network = FeatureNetwork.load(module, descriptor);
        } catch (RuntimeException e) {
            return Result.failed("not a TorchScript module libtorch can load: " + firstLine(e));
        }
        try (network) {
            List<FeatureProbe> probes = new ArrayList<>();
            for (int side : sides) {
                String problem = probe(network, side, probes);
                if (problem != null) {
                    return Result.failed(problem);
                }
            }
            return new Result(probes, network.parameterCount(), null);
        }
    }

    /** One side; adds its shapes to {@code probes} or returns what is wrong. */
    private static String probe(FeatureNetwork network, int side, List<FeatureProbe> probes) {
        FeatureNetworkDescriptor d = network.descriptor();
        int channels = d.input().channels();
        Shape shape = new Shape(BATCH, channels, side, side);
        String at = "on a probe batch of shape " + shape;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.create(probeImages(BATCH * channels * side * side, side), shape);
            NDArray input = network.input(images);
            Map<String, NDArray> eval;
            try {
                eval = network.run(input, false);
            } catch (RuntimeException e) {
                return "the module failed " + at + ": " + firstLine(e);
            }
            Map<String, List<Long>> shapes = new LinkedHashMap<>();
            for (String name : d.outputs()) {
                NDArray out = eval.get(name);
                if (out == null) {
                    return "the module returned no output " + name + " " + at + "; it returned "
                            + new java.util.TreeSet<>(eval.keySet());
                }
                String problem = checkOutput(name, out);
                if (problem != null) {
                    return problem + " " + at;
                }
                List<Long> perSample = new ArrayList<>();
                for (int i = 1; i < out.getShape().dimension(); i++) {
                    perSample.add(out.getShape().get(i));
                }
                shapes.put(name, perSample);
            }
            String training = trainingMode(network, input, eval, d.outputs());
            if (training != null) {
                return training + " " + at;
            }
            probes.add(new FeatureProbe((int) input.getShape().get(2), shapes));
            return null;
        }
    }

    private static String checkOutput(String name, NDArray out) {
        if (!out.getDataType().isFloating()) {
            return "output " + name + " is " + out.getDataType() + ", not a floating-point tensor,";
        }
        Shape s = out.getShape();
        if (s.dimension() < 2 || s.get(0) != BATCH) {
            return "output " + name + " has shape " + s + ": the batch axis (" + BATCH
                    + " images) must come first, followed by the features of each image,";
        }
        if (s.size() / BATCH > MAX_OUTPUT_VALUES) {
            return "output " + name + " has " + s.size() / BATCH + " values per image, more than " + MAX_OUTPUT_VALUES
                    + ",";
        }
        if (!out.isInfinite().logicalOr(out.isNaN()).none().getBoolean()) {
            return "output " + name + " has NaN or infinite values";
        }
        return null;
    }

    /**
     * Training mode as the loss runs it: the same values as in evaluation mode, and a gradient that
     * reaches the input from every output. The gradient norms come from the autograd helper module
     * ({@code autograd.grad}, one per output): DJL's own checks cannot tell a detached output (its
     * {@code requiresGrad} is false for every non-leaf, and asking a tensor without a graph node
     * for its gradient function's name crashes the JVM).
     */
    private static String trainingMode(
            FeatureNetwork network, NDArray input, Map<String, NDArray> eval, List<String> outputs) {
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Map<String, NDArray> train;
            try {
                train = network.run(x, true);
            } catch (RuntimeException e) {
                return "the module failed in training mode: " + firstLine(e) + ",";
            }
            List<NDArray> means = new ArrayList<>();
            for (String name : outputs) {
                NDArray t = train.get(name);
                if (t == null || !t.getShape().equals(eval.get(name).getShape())) {
                    return "output " + name + " differs in shape between training and evaluation mode";
                }
                NDArray e = eval.get(name);
                float scale = Math.max(1, e.abs().max().getFloat());
                float diff = t.sub(e).abs().max().getFloat();
                if (!(diff <= MODE_TOLERANCE * scale)) {
                    return "output " + name + " differs by " + diff + " between training and evaluation mode"
                            + " (batch norm or dropout that was not frozen? export the module from eval() with"
                            + " torch.jit.freeze or torch.jit.trace)";
                }
                means.add(t.mean());
            }
            float[] norms;
            try {
                norms = TorchScriptAutograd.gradientNorms(means, List.of(x), x.getManager());
            } catch (RuntimeException e) {
                return "the module's backward failed: " + firstLine(e) + ",";
            }
            for (int i = 0; i < norms.length; i++) {
                if (!Float.isFinite(norms[i])) {
                    return "the gradient through output " + outputs.get(i) + " has NaN or infinite values";
                }
                if (norms[i] == 0) {
                    return "output " + outputs.get(i) + " is cut off from the input (detached, or constant):"
                            + " no gradient would reach the generator";
                }
            }
        }
        return null;
    }

    /** Deterministic values in [−1, 1], different per side. */
    static float[] probeImages(int n, long seed) {
        SplittableRandom random = new SplittableRandom(0x5EED_0000L + seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // libtorch's messages carry a C++ or TorchScript traceback after the first lines.
        String[] lines = message.strip().split("\n");
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(line.strip());
            if (out.length() > 300) {
                break;
            }
        }
        return out.length() > 400 ? out.substring(0, 400) + "…" : out.toString();
    }
}
