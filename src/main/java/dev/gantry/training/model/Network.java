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

/**
 * A network of any architecture: a sequence of {@link Layer}s, the outputs of some of them tapped
 * as features, and an optional output layer, with a stable name → array view of its parameters
 * ({@code fc0.weight} …) and of its non-trainable state (spectral-norm vectors {@code
 * fc0.weight_u}, batch-norm running statistics …). The names are ours, not DJL's, because the
 * checkpoint and the optimizer state are keyed by them and must survive process restarts; DJL's
 * parameter ids are random per process.
 *
 * <p>The forward pass is written out here instead of going through DJL {@code Block}s: spectral
 * normalization, conditional layers and feature taps need the layers one by one, and calling the
 * same libtorch kernels keeps the results bitwise equal to DJL's blocks.
 */
public final class Network {

    private final String role;
    private final List<Layer> body;
    /** Indices into {@code body} whose outputs are features, ascending. */
    private final List<Integer> taps;

    private final Layer output;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> state;
    private final boolean batchStatistics;
    private boolean trainable = true;
    private boolean training = true;

    private Network(Builder b) {
        this.role = b.role;
        this.body = List.copyOf(b.body);
        this.taps = List.copyOf(b.taps);
        this.output = b.output;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
        this.state = Collections.unmodifiableMap(new LinkedHashMap<>(b.state));
        boolean batch = output != null && output.batchStatistics();
        for (Layer layer : body) {
            batch |= layer.batchStatistics();
        }
        this.batchStatistics = batch;
    }

    public static Builder builder(String role) {
        return new Builder(role);
    }

    /** Collects layers and names their arrays; the order of registration is the checkpoint's. */
    public static final class Builder {
        private final String role;
        private final List<Layer> body = new ArrayList<>();
        private final List<Integer> taps = new ArrayList<>();
        private final Map<String, NDArray> parameters = new LinkedHashMap<>();
        private final Map<String, NDArray> state = new LinkedHashMap<>();
        private Layer output;

        private Builder(String role) {
            this.role = role;
        }

        public Builder add(Layer layer) {
            body.add(layer);
            return this;
        }

        /** The output of the layer added last is a feature ({@link #forwardWithFeatures}). */
        public Builder tap() {
            if (body.isEmpty() || taps.contains(body.size() - 1)) {
                throw new IllegalStateException("nothing new to tap");
            }
            taps.add(body.size() - 1);
            return this;
        }

        public Builder output(Layer layer) {
            this.output = layer;
            return this;
        }

        /** A trainable array; it starts recording gradients. */
        public NDArray parameter(String name, NDArray array) {
            register(parameters, name, array);
            array.setRequiresGradient(true);
            return array;
        }

        /** Non-trainable state saved with the network. */
        public NDArray buffer(String name, NDArray array) {
            register(state, name, array);
            return array;
        }

        private void register(Map<String, NDArray> into, String name, NDArray array) {
            if (parameters.containsKey(name) || state.containsKey(name)) {
                throw new IllegalArgumentException(role + " already has an array named " + name);
            }
            into.put(name, array);
        }

        public Network build() {
            return new Network(this);
        }
    }

    /** "generator", "discriminator" or "features". */
    public String role() {
        return role;
    }

    /** How many features {@link #forwardWithFeatures} returns. */
    public int featureLayers() {
        return taps.size();
    }

    /** Trainable arrays by name, in layer order. Mutated in place by optimizers and constraints. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Non-trainable state by name, updated by forward passes in training mode. */
    public Map<String, NDArray> state() {
        return state;
    }

    /** True when some layer normalizes with batch statistics in training mode. */
    public boolean batchStatistics() {
        return batchStatistics && training;
    }

    /**
     * Training mode (the default) or evaluation mode: batch normalization uses batch statistics and
     * updates its running averages, or uses the running averages. Samples shown to users and
     * exported are drawn in evaluation mode, where a sample does not depend on its batch.
     */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    /** An unconditional pass. Output arrays are attached to the input's manager. */
    public NDArray forward(NDArray input) {
        return forward(input, null);
    }

    /** @param labels class indices for a conditional network, else {@code null} */
    public NDArray forward(NDArray input, NDArray labels) {
        Pass pass = pass(input, labels);
        NDArray x = input;
        for (Layer layer : body) {
            x = layer.forward(x, pass);
        }
        return outputLayer().forward(x, pass);
    }

    /** The forward pass with every tapped feature kept, for feature-based losses. */
    public Activations forwardWithFeatures(NDArray input, NDArray labels) {
        Pass pass = pass(input, labels);
        List<NDArray> features = new ArrayList<>();
        NDArray x = input;
        for (int i = 0; i < body.size(); i++) {
            x = body.get(i).forward(x, pass);
            if (taps.contains(i)) {
                features.add(x);
            }
        }
        return new Activations(features, outputLayer().forward(x, pass));
    }

    /** The first {@code count} features; the layers after them are not evaluated. */
    public List<NDArray> features(NDArray input, int count) {
        if (count < 0 || count > taps.size()) {
            throw new IllegalArgumentException(role + " has " + taps.size() + " feature layers, not " + count);
        }
        Pass pass = pass(input, null);
        List<NDArray> features = new ArrayList<>();
        NDArray x = input;
        for (int i = 0; features.size() < count; i++) {
            x = body.get(i).forward(x, pass);
            if (taps.contains(i)) {
                features.add(x);
            }
        }
        return features;
    }

    private Pass pass(NDArray input, NDArray labels) {
        return new Pass(training, labels, input.getManager());
    }

    private Layer outputLayer() {
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
