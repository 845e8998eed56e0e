package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block plus a stable name → parameter-array view. Names ({@code fc0.weight} …) are ours,
 * not DJL's, because the checkpoint and the optimizer state are keyed by them and must survive
 * process restarts; DJL's parameter ids are random per process.
 */
public final class Network {

    private final String role;
    private final Block block;
    private final Map<String, NDArray> parameters;
    private final ParameterStore store;
    private boolean trainable = true;

    Network(String role, Block block, Map<String, NDArray> parameters, NDManager manager) {
        this.role = role;
        this.block = block;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        // copy=false: the store hands out the parameter arrays themselves, nothing is copied.
        this.store = new ParameterStore(manager, false);
    }

    /** "generator" or "discriminator". */
    public String role() {
        return role;
    }

    public Block block() {
        return block;
    }

    /** Parameter arrays by name, in layer order. Mutated in place by optimizers and constraints. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Output arrays are attached to the input's manager. */
    public NDArray forward(NDArray input) {
        return block.forward(store, new NDList(input), true).singletonOrThrow();
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

    /** Copies all parameter values out of libtorch. */
    public Map<String, TensorData> snapshot() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> out.put(name, new TensorData(p.getShape().getShape(), p.toFloatArray())));
        return out;
    }

    /**
     * Replaces all parameter values. Names and shapes must match exactly.
     *
     * @throws IllegalArgumentException naming the first parameter that differs
     */
    public void load(Map<String, TensorData> values) {
        for (String name : values.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException(role + " has no parameter '" + name + "'; it has " + parameters.keySet());
            }
        }
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            TensorData data = values.get(e.getKey());
            if (data == null) {
                throw new IllegalArgumentException(role + " parameter '" + e.getKey() + "' is missing");
            }
            Shape expected = e.getValue().getShape();
            if (!expected.equals(new Shape(data.shape()))) {
                throw new IllegalArgumentException(
                        role + " parameter '" + e.getKey() + "' has shape " + data.shapeString()
                                + " but the configured model expects " + expected);
            }
        }
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            TensorData data = values.get(e.getKey());
            // A tensor made from Java data borrows a direct buffer that only its own NDArray keeps
            // alive, and intern() moves the tensor but not that reference: once the buffer is
            // collected the parameter reads freed memory (measured: NaN losses and SIGABRT a few
            // hundred steps after a resume in a fresh process). A libtorch copy owns its storage.
            try (NDArray borrowed = p.getManager().create(data.values(), new Shape(data.shape()))) {
                replace(p, borrowed.duplicate());
            }
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
