package dev.gantry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam as {@code torch.optim.Adam} computes it (Kingma and Ba 2015, "Adam: A Method for Stochastic
 * Optimization", Algorithm 1, ε added after the bias correction of v):
 *
 * <pre>
 * m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α_t·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 * </pre>
 *
 * <p>α_t comes from the {@link LearningRateSchedule}; t counts this optimizer's updates.
 *
 * <p>The update is libtorch's fused kernel as DJL 0.36 exposes it ({@code JniUtils.adamUpdate}:
 * one native call per parameter, no temporaries on the Java side). That kernel computes θ ← θ −
 * s·m/(√v + ε') with a free step size s and ε'. Multiplying numerator and denominator of torch's
 * form by √(1−β₂ᵗ) gives s = α_t·√(1−β₂ᵗ)/(1−β₁ᵗ) and ε' = ε·√(1−β₂ᵗ): the same update, exactly,
 * up to float rounding. One rounding differs: the kernel forms 1−β₂ in float32 where torch rounds
 * the double 1−β₂, so for β₂ = 0.999 each increment of v is 1.3e-5 smaller, relatively (≤ 6.5e-6
 * on a step). {@code AdamConformanceTest} pins it against PyTorch.
 *
 * <p>Ours rather than DJL's {@code Adam} because DJL keys its moments by per-process parameter ids
 * and keeps them private: they cannot be checkpointed, so a resumed run would restart the moments
 * from zero. Here they are keyed by parameter name and exported as {@link AdamState}. The fused
 * kernel also zeroes the parameter's gradient.
 */
public final class AdamOptimizer implements AutoCloseable {

    public static final double EPSILON = 1e-8;

    private final LearningRateSchedule schedule;
    private final float beta1;
    private final float beta2;
    private final NDManager manager;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private long updates;

    /** @param steps the run's length, which the learning rate schedule ends at */
    public AdamOptimizer(OptimizerConfig config, int steps, NDManager parent) {
        this.schedule = new LearningRateSchedule(config, steps);
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.manager = parent.newSubManager();
    }

    /**
     * Applies one update to every parameter of {@code network} from its accumulated gradients, at
     * the learning rate of training step {@code step}.
     */
    public void update(Network network, long step) {
        updates++;
        double learningRate = schedule.at(step);
        double correction1 = 1 - Math.pow(beta1, updates);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, updates));
        float stepSize = (float) (learningRate * sqrtCorrection2 / correction1);
        float epsilon = (float) (EPSILON * sqrtCorrection2);
        for (Map.Entry<String, NDArray> e : network.parameters().entrySet()) {
            NDArray p = e.getValue();
            NDArray m = means.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
            NDArray v = variances.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
            // getGradient() makes a new handle attached to the parameter's manager: close it, or
            // every step leaks one handle per parameter.
            try (NDArray g = p.getGradient()) {
                p.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(p, g, m, v),
                                new NDList(p),
                                (float) learningRate,
                                stepSize,
                                0f,
                                1f,
                                -1f,
                                beta1,
                                beta2,
                                epsilon,
                                false,
                                false);
            }
        }
    }

    /** The learning rate of training step {@code step}. */
    public double learningRate(long step) {
        return schedule.at(step);
    }

    boolean hasConstantLearningRate() {
        return schedule.isConstant();
    }

    public long updates() {
        return updates;
    }

    public AdamState state() {
        return new AdamState(updates, copy(means), copy(variances));
    }

    /**
     * Restores moments saved by {@link #state()}; every parameter of {@code network} must have
     * both moments, with its shape.
     */
    public void load(AdamState state, Network network) {
        if (state.means().isEmpty() && state.variances().isEmpty()) {
            // Saved before the first update: the moments do not exist yet.
            closeState();
            updates = state.updates();
            return;
        }
        for (Map.Entry<String, NDArray> e : network.parameters().entrySet()) {
            Shape shape = e.getValue().getShape();
            TensorData m = state.means().get(e.getKey());
            TensorData v = state.variances().get(e.getKey());
            if (m == null || v == null) {
                throw new IllegalArgumentException(
                        "optimizer state of " + network.role() + " lacks parameter '" + e.getKey() + "'");
            }
            if (!shape.equals(new Shape(m.shape())) || !shape.equals(new Shape(v.shape()))) {
                throw new IllegalArgumentException("optimizer state of " + network.role() + " parameter '" + e.getKey()
                        + "' has shape " + m.shapeString() + " but the configured model expects " + shape);
            }
        }
        if (state.means().size() != network.parameters().size()) {
            throw new IllegalArgumentException("optimizer state of " + network.role() + " has parameters "
                    + state.means().keySet() + " but the model has "
                    + network.parameters().keySet());
        }
        closeState();
        for (String name : network.parameters().keySet()) {
            means.put(name, create(state.means().get(name)));
            variances.put(name, create(state.variances().get(name)));
        }
        updates = state.updates();
    }

    private NDArray create(TensorData data) {
        return manager.create(data.values(), new Shape(data.shape()));
    }

    private static Map<String, TensorData> copy(Map<String, NDArray> arrays) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        arrays.forEach((k, a) -> out.put(k, new TensorData(a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    private void closeState() {
        means.values().forEach(NDArray::close);
        variances.values().forEach(NDArray::close);
        means.clear();
        variances.clear();
    }

    @Override
    public void close() {
        manager.close();
    }
}
