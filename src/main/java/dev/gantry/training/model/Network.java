package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A multilayer perceptron: hidden dense layers each followed by {@code activation}, then an
 * optional output layer, with a stable name → array view of its parameters ({@code fc0.weight} …)
 * and of its non-trainable state (the spectral-norm vectors {@code fc0.weight_u} …). The names are
 * ours, not DJL's, because the checkpoint and the optimizer state are keyed by them and must
 * survive process restarts; DJL's parameter ids are random per process.
 *
 * <p>The forward pass is written out here instead of going through a DJL {@code Block}: spectral
 * normalization and feature taps need the layers one by one, and calling the same libtorch
 * {@code linear} kernel keeps the results bitwise equal to DJL's {@code Linear}.
 */
public final class Network {

    private final String role;
    private final List<DenseLayer> hidden;
    private final DenseLayer output;
    private final UnaryOperator<NDArray> activation;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> state;
    private boolean trainable = true;

    Network(String role, List<DenseLayer> hidden, DenseLayer output, UnaryOperator<NDArray> activation) {
        this.role = role;
        this.hidden = List.copyOf(hidden);
        this.output = output;
        this.activation = activation;
        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, NDArray> buffers = new LinkedHashMap<>();
        List<DenseLayer> all = new ArrayList<>(hidden);
        if (output != null) {
            all.add(output);
        }
        for (DenseLayer layer : all) {
            params.put(layer.name() + ".weight", layer.weight());
            params.put(layer.name() + ".bias", layer.bias());
            if (layer.u() != null) {
                buffers.put(layer.name() + ".weight_u", layer.u());
            }
        }
        this.parameters = Collections.unmodifiableMap(params);
        this.state = Collections.unmodifiableMap(buffers);
    }

    /** "generator", "discriminator" or "features". */
    public String role() {
        return role;
    }

    public int hiddenLayers() {
        return hidden.size();
    }

    /** Trainable arrays by name, in layer order. Mutated in place by optimizers and constraints. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Non-trainable state by name (spectral-norm vectors), updated by every forward pass. */
    public Map<String, NDArray> state() {
        return state;
    }

    /** Output arrays are attached to the input's manager. */
    public NDArray forward(NDArray input) {
        NDArray x = input;
        for (DenseLayer layer : hidden) {
            x = activation.apply(layer.forward(x));
        }
        return outputLayer().forward(x);
    }

    /** The forward pass with every hidden activation kept, for feature-based losses. */
    public Activations forwardWithFeatures(NDArray input) {
        List<NDArray> taps = new ArrayList<>();
        NDArray x = input;
        for (DenseLayer layer : hidden) {
            x = activation.apply(layer.forward(x));
            taps.add(x);
        }
        return new Activations(taps, outputLayer().forward(x));
    }

    /** The first {@code count} hidden activations; the layers after them are not evaluated. */
    public List<NDArray> hiddenFeatures(NDArray input, int count) {
        List<NDArray> taps = new ArrayList<>();
        NDArray x = input;
        for (DenseLayer layer : hidden.subList(0, count)) {
            x = activation.apply(layer.forward(x));
            taps.add(x);
        }
        return taps;
    }

    private DenseLayer outputLayer() {
        if (output == null) {
            throw new IllegalStateException(role + " network has no output layer");
        }
        return output;
    }

    /**
     * Turns gradient recording of all parameters on or off. A frozen network still passes
     * gradients through to its inputs but writes none into its own parameters, which is how the
     * generator step avoids touching the discriminator's gradients (and saves their cost).
     */
    public void setTrainable(boolean trainable) {
        if (this.trainable == trainable) {
            return;
        }
        for (NDArray p : parameters.values()) {
            p.setRequiresGradient(trainable);
        }
        this.trainable = trainable;
    }

    /**
     * Zeroes the parameters' accumulated gradients in place. Goes to libtorch directly: DJL's
     * {@code GradientCollector.zeroGradients()} walks every array of the process and leaks two
     * gradient handles per parameter on each call.
     */
    public void zeroGradients() {
        for (NDArray p : parameters.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** Copies all parameter and state values out of libtorch, parameters first. */
    public Map<String, TensorData> snapshot() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> out.put(name, TensorData.of(p)));
        state.forEach((name, s) -> out.put(name, TensorData.of(s)));
        return out;
    }

    /**
     * Replaces all parameter and state values. Names and shapes must match exactly.
     *
     * @throws IllegalArgumentException naming the first array that differs
     */
    public void load(Map<String, TensorData> values) {
        Map<String, NDArray> all = new LinkedHashMap<>(parameters);
        all.putAll(state);
        for (String name : values.keySet()) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException(role + " has no parameter '" + name + "'; it has " + all.keySet());
            }
        }
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            TensorData data = values.get(e.getKey());
            if (data == null) {
                throw new IllegalArgumentException(role + " parameter '" + e.getKey() + "' is missing");
            }
            Shape expected = e.getValue().getShape();
            if (!expected.equals(new Shape(data.shape()))) {
                throw new IllegalArgumentException(role + " parameter '" + e.getKey() + "' has shape "
                        + data.shapeString() + " but the configured model expects " + expected);
            }
        }
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            NDArray array = e.getValue();
            TensorData data = values.get(e.getKey());
            // A tensor made from Java data borrows a direct buffer that only its own NDArray keeps
            // alive, and intern() moves the tensor but not that reference: once the buffer is
            // collected the array reads freed memory (measured: NaN losses and SIGABRT a few
            // hundred steps after a resume in a fresh process). A libtorch copy owns its storage.
            try (NDArray borrowed = array.getManager().create(data.values(), new Shape(data.shape()))) {
                array.intern(borrowed.duplicate());
            }
        }
        for (NDArray p : parameters.values()) {
            // The new tensors were made outside autograd; restore the recording flag we track.
            p.setRequiresGradient(trainable);
        }
    }

    /**
     * Swaps the tensor behind {@code parameter} for {@code value} (which is consumed). Used instead
     * of {@code NDArray.set(Buffer)}, which on PyTorch makes the tensor alias the Java buffer
     * rather than copying it.
     */
    public void replace(NDArray parameter, NDArray value) {
        parameter.intern(value);
        // The new tensor was made outside autograd; restore the recording flag we track.
        parameter.setRequiresGradient(trainable);
    }
}
