package dev.gantry.training.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An uploaded feature network (VGG19's ReLU taps, Inception's pool3, or any TorchScript module of
 * the same form), loaded once and frozen: its parameters take no gradient, while gradients flow
 * through it to whatever made its input. {@link #features} takes images as Gantry's networks make
 * them, (N, C, H, W) in [−1, 1], and prepares them as the descriptor says ({@link #input}).
 *
 * <p>The module runs with autograd on ({@code PtSymbolBlock.forward(store, list, training=true)}
 * is the only entry point that records a graph), so in training mode: the validation refused
 * modules whose outputs depend on the mode (unfrozen batch norm, dropout). Outputs are attached to
 * the manager of the images, like any other op of the step.
 */
public final class FeatureNetwork implements AutoCloseable {

    /** The resize modes of the descriptor, as DJL's interpolation codes. */
    private static final Map<String, Integer> RESIZE = Map.of("nearest", 0, "bilinear", 1, "area", 2, "bicubic", 3);

    private final FeatureNetworkDescriptor descriptor;
    private final NDManager manager;
    private final ParameterStore store;
    private final PtSymbolBlock module;
    private final float[] mean;
    private final float[] std;

    private FeatureNetwork(FeatureNetworkDescriptor descriptor, NDManager manager, PtSymbolBlock module) {
        this.descriptor = descriptor;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.module = module;
        this.mean = floats(descriptor.input().mean());
        this.std = floats(descriptor.input().std());
    }

    /**
     * Loads a TorchScript module and freezes its parameters.
     *
     * @throws ai.djl.engine.EngineException when the bytes are not a TorchScript module libtorch loads
     */
    public static FeatureNetwork load(byte[] module, FeatureNetworkDescriptor descriptor) {
        NDManager manager = NDManager.newBaseManager();
        try {
            PtSymbolBlock block =
                    JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(module), true, false);
            // Its weights are constants here: no gradient to compute for them, none to accumulate.
            NDList parameters = JniUtils.moduleGetParams(block, (PtNDManager) manager);
            for (NDArray p : parameters) {
                JniUtils.attachGradient((PtNDArray) p, false);
            }
            parameters.close();
            return new FeatureNetwork(descriptor, manager, block);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public FeatureNetworkDescriptor descriptor() {
        return descriptor;
    }

    /** Parameters of the module (zero for a frozen module, whose weights are constants). */
    public long parameterCount() {
        long n = 0;
        try (NDList parameters = JniUtils.moduleGetParams(module, (PtNDManager) manager)) {
            for (NDArray p : parameters) {
                n += p.size();
            }
        }
        return n;
    }

    /**
     * The module's input for Gantry images (N, C, H, W) in [−1, 1]: grayscale repeated to three
     * channels when the network takes three, [−1, 1] mapped onto the descriptor's range, resized to
     * its size, then (x − mean) / std. Differentiable; constants live on the images' manager, so
     * they outlive the backward of the step (see {@code loss.Scalars}).
     *
     * @throws IllegalArgumentException for colour images and a grayscale network
     */
    public NDArray input(NDArray images) {
        FeatureNetworkDescriptor.Input in = descriptor.input();
        Shape s = images.getShape();
        long c = s.get(1);
        NDArray x = images;
        if (c != in.channels()) {
            if (c != 1) {
                throw new IllegalArgumentException(
                        "the network takes " + in.channels() + " channels; the images have " + c);
            }
            x = x.broadcast(new Shape(s.get(0), in.channels(), s.get(2), s.get(3)));
        }
        NDManager m = images.getManager();
        double lo = in.range().get(0);
        double hi = in.range().get(1);
        // x ↦ lo + (x + 1)(hi − lo)/2 before the resize: both are linear, so the order changes only the rounding.
        Integer size = in.size();
        boolean resize = size != null && (s.get(2) != size || s.get(3) != size);
        float[] scale = new float[in.channels()];
        float[] shift = new float[in.channels()];
        for (int k = 0; k < scale.length; k++) {
            scale[k] = (float) ((hi - lo) / 2);
            shift[k] = (float) ((hi + lo) / 2);
        }
        Shape perChannel = new Shape(1, in.channels(), 1, 1);
        x = x.mul(m.create(scale, perChannel)).add(m.create(shift, perChannel));
        if (resize) {
            x = x.getNDArrayInternal().interpolation(new long[] {size, size}, RESIZE.get(in.resize()), false);
        }
        return x.sub(m.create(mean, perChannel)).div(m.create(std, perChannel));
    }

    /**
     * The named outputs of the module on Gantry images, on the images' manager; gradients flow
     * back to the images.
     */
    public Map<String, NDArray> features(NDArray images, Collection<String> outputs) {
        return select(run(input(images), true), outputs);
    }

    /**
     * Runs the module on a prepared input; {@code training} true records the graph (and sets the
     * module's training flag), false runs without gradients and in evaluation mode.
     *
     * @return every output the module returned, by name
     * @throws IllegalStateException when the module does not return a dict of tensors
     */
    public Map<String, NDArray> run(NDArray input, boolean training) {
        // Its own thread-local switch: off, as for the autograd modules (docs/architecture.md).
        JniUtils.setGraphExecutorOptimize(false);
        NDList out = module.forward(store, new NDList(input), training);
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (NDArray a : out) {
            if (a.getName() == null || named.put(a.getName(), a) != null) {
                int returned = out.size();
                out.close(); // which empties the list
                throw new IllegalStateException(
                        "the module must return a dict of named tensors (Dict[str, Tensor]); it returned " + returned
                                + " unnamed or repeated tensors");
            }
        }
        return named;
    }

    private static Map<String, NDArray> select(Map<String, NDArray> all, Collection<String> outputs) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : outputs) {
            NDArray a = all.get(name);
            if (a == null) {
                throw new IllegalStateException(
                        "the module returned no output " + name + "; it returned " + new TreeSet<>(all.keySet()));
            }
            out.put(name, a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false));
        }
        return out;
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    /** Arrays its own manager holds: constant from step to step, or the network leaks (a test checks). */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
