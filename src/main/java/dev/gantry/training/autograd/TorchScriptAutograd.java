package dev.gantry.training.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/**
 * Gradients that DJL cannot take without leaking, done by two TorchScript modules made by {@code
 * scripts/training/autograd_modules.py} and loaded once per process. Both call {@code
 * torch.autograd.grad}, which returns gradients instead of writing {@code .grad}: DJL's own {@code
 * backward(createGraph=true)} leaves a {@code .grad} that holds the graph that made it, a cycle
 * that is never freed (a small critic grew by about 290 kB per step, docs/architecture.md), while
 * these graphs die with the step's arrays.
 */
public final class TorchScriptAutograd {

    private TorchScriptAutograd() {}

    /**
     * d(Σ out)/d(input), differentiable itself (create_graph): a penalty on it back-propagates to
     * whatever made {@code out}, second order. Needs gradient recording on (inside a {@code
     * GradientCollector}) and {@code input} requiring gradient. The result is attached to {@code
     * out}'s manager.
     */
    public static NDArray inputGradient(NDArray out, NDArray input) {
        plainInterpreter();
        // forward(store, inputs, training=true) runs the module with autograd on; the other entry
        // point, forward(IValue...), runs it under NoGradGuard and would return a dead gradient.
        return Modules.INSTANCE
                .inputGradient
                .forward(Modules.INSTANCE.store, new NDList(out, input), true)
                .singletonOrThrow();
    }

    /**
     * For each scalar loss, the global L2 norm √(Σ‖∂loss/∂p‖²) over {@code parameters}, without
     * writing any {@code .grad} and keeping the graphs for the step's backward. A parameter a loss
     * does not reach counts as zero.
     */
    public static float[] gradientNorms(List<NDArray> losses, Collection<NDArray> parameters, NDManager manager) {
        plainInterpreter();
        // Lists only pass through the IValue entry point, which runs under NoGradGuard: fine here,
        // autograd.grad without create_graph needs no recording.
        try (IValue l = IValue.listFrom(
                        losses.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new));
                IValue p = IValue.listFrom(
                        parameters.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new));
                IValue result = IValueUtils.runMethod(Modules.INSTANCE.gradientNorms, "forward", l, p);
                NDArray norms = result.toTensor((PtNDManager) manager)) {
            return norms.toFloatArray();
        }
    }

    /**
     * Turns off TorchScript's profiling graph executor for this thread (the switch is thread-local
     * in libtorch). On these tiny graphs its profiling and re-optimizing only costs time: 1000 steps
     * with gradient penalty, DRAGAN and adaptive norms took 10.0 s with it off and 11.3–12.8 s
     * with it on, with bitwise-equal results either way.
     */
    private static void plainInterpreter() {
        JniUtils.setGraphExecutorOptimize(false);
    }

    /** Loaded on first use; lives as long as the process. */
    private static final class Modules {
        static final Modules INSTANCE = new Modules();

        final NDManager manager = NDManager.newBaseManager();
        final ParameterStore store = new ParameterStore(manager, false);
        final PtSymbolBlock inputGradient = load("input_gradient.pt");
        final PtSymbolBlock gradientNorms = load("gradient_norms.pt");

        private PtSymbolBlock load(String name) {
            try (InputStream in = TorchScriptAutograd.class.getResourceAsStream("/training/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("resource /training/" + name + " is missing from the class path");
                }
                return JniUtils.loadModule((PtNDManager) manager, in, true, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
