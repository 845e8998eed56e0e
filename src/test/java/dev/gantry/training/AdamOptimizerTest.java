package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.model.MlpNetworks;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamOptimizerTest {

    /** torch.optim.Adam's update in double precision: ε added to the bias-corrected √v̂. */
    private static void reference(
            double[] p, double[] m, double[] v, double[] g, int t, double lr, double b1, double b2) {
        double correction1 = 1 - Math.pow(b1, t);
        double correction2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= lr * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + AdamOptimizer.EPSILON);
        }
    }

    @Test
    void three_updates_match_torch_adam_and_the_state_holds_the_moments() {
        double lr = 0.01;
        double b1 = 0.6;
        double b2 = 0.95;
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = MlpNetworks.discriminator(ModelConfig.mlp(2, 4, 1, false), manager);
            AdamOptimizer adam = new AdamOptimizer(new OptimizerConfig("adam", lr, b1, b2, "constant", 0), 3, manager);
            Map<String, TensorData> start = net.snapshot();
            Map<String, double[]> p = new java.util.HashMap<>();
            Map<String, double[]> m = new java.util.HashMap<>();
            Map<String, double[]> v = new java.util.HashMap<>();
            start.forEach((k, t) -> {
                p.put(k, toDouble(t.values()));
                m.put(k, new double[t.values().length]);
                v.put(k, new double[t.values().length]);
            });
            for (int t = 1; t <= 3; t++) {
                // L = Σ ½·w³ per parameter, so dL/dw = 1.5·w², different every step.
                net.zeroGradients();
                try (NDManager s = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = null;
                    for (NDArray w : net.parameters().values()) {
                        NDArray term = w.pow(3).sum().mul(0.5f);
                        loss = loss == null ? term : loss.add(term);
                    }
                    collector.backward(loss);
                }
                for (String k : p.keySet()) {
                    double[] w = p.get(k);
                    double[] g = new double[w.length];
                    for (int i = 0; i < w.length; i++) {
                        g[i] = 1.5 * w[i] * w[i];
                    }
                    reference(w, m.get(k), v.get(k), g, t, lr, b1, b2);
                }
                adam.update(net, t);
            }
            Map<String, TensorData> after = net.snapshot();
            AdamState state = adam.state();
            assertEquals(3, state.updates());
            for (String k : p.keySet()) {
                assertClose(p.get(k), after.get(k).values(), k + " value");
                assertClose(m.get(k), state.means().get(k).values(), k + " first moment");
                assertClose(v.get(k), state.variances().get(k).values(), k + " second moment");
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.abs(expected[i]) + 1e-7, what + "[" + i + "]");
        }
    }
}
