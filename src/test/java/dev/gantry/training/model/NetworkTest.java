package dev.gantry.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkTest {

    private static final ModelConfig SPECTRAL = ModelConfig.mlp(2, 8, 2, true);

    @Test
    void spectral_norm_vectors_are_state_in_the_snapshot_not_parameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = MlpNetworks.discriminator(SPECTRAL, m);
            assertEquals(
                    List.of("fc0.weight_u", "fc1.weight_u", "fc2.weight_u"),
                    List.copyOf(d.state().keySet()));
            assertEquals(
                    List.of("fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                    List.copyOf(d.parameters().keySet()),
                    "optimizers and weight clipping see the parameters only");
            assertTrue(d.snapshot().keySet().containsAll(d.state().keySet()));
            for (NDArray u : d.state().values()) {
                assertFalse(u.hasGradient());
                assertEquals(1.0, u.norm().getFloat(), 1e-6, "u starts as a unit vector");
            }
            Network plain = MlpNetworks.discriminator(ModelConfig.mlp(2, 8, 2, false), m);
            assertTrue(plain.state().isEmpty());
            assertEquals(plain.parameters().keySet(), plain.snapshot().keySet());
        }
    }

    @Test
    void every_forward_runs_one_power_iteration_and_a_loaded_snapshot_continues_bitwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network a = MlpNetworks.discriminator(SPECTRAL, m);
            NDArray x = m.randomNormal(new Shape(16, 2));
            float[] u0 = a.state().get("fc1.weight_u").toFloatArray();
            a.forward(x);
            assertFalse(Arrays.equals(u0, a.state().get("fc1.weight_u").toFloatArray()), "u did not move");

            Map<String, TensorData> saved = a.snapshot();
            Network b = MlpNetworks.discriminator(SPECTRAL, m);
            b.load(saved);
            float[] outA = a.forward(x).toFloatArray();
            float[] outB = b.forward(x).toFloatArray();
            assertArrayEquals(outA, outB);
            assertArrayEquals(
                    a.state().get("fc1.weight_u").toFloatArray(),
                    b.state().get("fc1.weight_u").toFloatArray());
            assertTrue(b.parameters().get("fc0.weight").hasGradient(), "loading keeps parameters trainable");
        }
    }

    @Test
    void spectral_normalization_bounds_the_lipschitz_constant_of_each_layer() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = m.randomNormal(0, 3, new Shape(8, 8), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray u = m.randomNormal(new Shape(8));
            NDArray normalized = null;
            // Power iteration converges to the top singular vector; then W_SN has spectral norm 1.
            for (int i = 0; i < 200; i++) {
                normalized = SpectralNorm.normalize(weight, u, m);
            }
            NDArray v = m.randomNormal(new Shape(8));
            for (int i = 0; i < 200; i++) {
                v = normalized.transpose().matMul(normalized.matMul(v));
                v = v.div(v.norm());
            }
            assertEquals(1.0, normalized.matMul(v).norm().getFloat(), 1e-3);
        }
    }

    @Test
    void spectral_norm_vectors_come_from_the_seeded_engine_after_the_weights() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Network a = MlpNetworks.discriminator(SPECTRAL, m);
            Engine.getInstance().setRandomSeed(5);
            Network b = MlpNetworks.discriminator(SPECTRAL, m);
            Engine.getInstance().setRandomSeed(5);
            Network plain = MlpNetworks.discriminator(ModelConfig.mlp(2, 8, 2, false), m);
            assertArrayEquals(
                    a.state().get("fc0.weight_u").toFloatArray(),
                    b.state().get("fc0.weight_u").toFloatArray());
            assertArrayEquals(
                    plain.parameters().get("fc2.weight").toFloatArray(),
                    a.parameters().get("fc2.weight").toFloatArray(),
                    "spectral norm changed the initial weights");
        }
    }

    @Test
    void feature_taps_are_the_hidden_activations_of_the_forward_pass() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = MlpNetworks.discriminator(ModelConfig.mlp(2, 8, 3, false), m);
            NDArray x = m.randomNormal(new Shape(4, 2));
            Activations all = d.forwardWithFeatures(x, null);
            assertEquals(3, all.hidden().size());
            assertArrayEquals(d.forward(x).toFloatArray(), all.output().toFloatArray());
            List<NDArray> first2 = d.features(x, 2);
            assertEquals(2, first2.size());
            assertArrayEquals(all.hidden().get(1).toFloatArray(), first2.get(1).toFloatArray());
            assertEquals(new Shape(4, 8), first2.get(0).getShape());
        }
    }

    @Test
    void the_signature_names_spectral_norm_only_when_it_is_on() {
        assertEquals("mlp latentDim=2 hiddenUnits=8 hiddenLayers=2 spectralNorm=true", MlpNetworks.signature(SPECTRAL));
        assertEquals(
                "mlp latentDim=2 hiddenUnits=8 hiddenLayers=2", MlpNetworks.signature(ModelConfig.mlp(2, 8, 2, false)));
    }
}
