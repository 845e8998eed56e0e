package dev.gantry.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What {@link Architectures} builds for images, apart from the numbers (the conformance tests). */
class ConvArchitecturesTest {

    private static final DataConfig GRAY32 = new DataConfig("images", 32, 1);
    private static final DataConfig RGB32 = new DataConfig("images", 32, 3);
    private static final DataConfig RGB64 = new DataConfig("images", 64, 3);

    private static ModelConfig dcgan(int width, String norm, boolean sn, boolean conditional) {
        return new ModelConfig("dcgan", 100, 0, 0, width, sn, conditional, norm);
    }

    private static ModelConfig resnet(int width, boolean conditional) {
        return new ModelConfig("resnet", 128, 0, 0, width, true, conditional, "none");
    }

    private static long count(Network net) {
        return net.parameters().values().stream().mapToLong(NDArray::size).sum();
    }

    @Test
    void dcgan32_at_width_64_has_the_parameters_of_the_pytorch_anchor() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig model = dcgan(64, "batch", false, false);
            Network g = Architectures.generator(model, GRAY32, 0, m);
            Network d = Architectures.discriminator(model, GRAY32, 0, m);
            // sum(p.numel()) of G and D in ../shared/anchors/torch_dcgan32.py (torch 1.13).
            assertEquals(779_712, count(g));
            assertEquals(661_248, count(d));
            assertEquals(
                    List.of(
                            "fc.weight",
                            "bn0.weight",
                            "bn0.bias",
                            "conv1.weight",
                            "bn1.weight",
                            "bn1.bias",
                            "conv2.weight",
                            "bn2.weight",
                            "bn2.bias",
                            "conv3.weight"),
                    List.copyOf(g.parameters().keySet()));
            assertEquals(
                    List.of(
                            "bn0.running_mean",
                            "bn0.running_var",
                            "bn1.running_mean",
                            "bn1.running_var",
                            "bn2.running_mean",
                            "bn2.running_var"),
                    List.copyOf(g.state().keySet()));
            NDArray z = m.randomNormal(new Shape(5, 100));
            NDArray images = g.forward(z);
            assertEquals(new Shape(5, 1, 32, 32), images.getShape());
            assertTrue(images.abs().max().getFloat() <= 1, "tanh output");
            assertEquals(new Shape(5, 1), d.forward(images).getShape());
            assertEquals(3, d.featureLayers());
            List<NDArray> features = d.features(images, 3);
            assertEquals(new Shape(5, 64, 16, 16), features.get(0).getShape());
            assertEquals(new Shape(5, 256, 4, 4), features.get(2).getShape());
        }
    }

    @Test
    void dcgan64_adds_one_stage_to_each_network() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig model = dcgan(8, "batch", false, false);
            Network g = Architectures.generator(model, RGB64, 0, m);
            Network d = Architectures.discriminator(model, RGB64, 0, m);
            assertEquals(
                    new Shape(64 * 16, 100), g.parameters().get("fc.weight").getShape());
            assertEquals(
                    new Shape(3, 8, 3, 3), g.parameters().get("conv4.weight").getShape());
            assertEquals(
                    new Shape(1, 64, 4, 4), d.parameters().get("conv4.weight").getShape());
            NDArray images = g.forward(m.randomNormal(new Shape(2, 100)));
            assertEquals(new Shape(2, 3, 64, 64), images.getShape());
            assertEquals(new Shape(2, 1), d.forward(images).getShape());
            assertEquals(4, Architectures.discriminatorFeatureLayers(model, RGB64));
            assertEquals(4, d.featureLayers());
        }
    }

    @Test
    void resnet_keeps_mimicry_names_and_normalizes_every_discriminator_weight() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig model = resnet(4, false);
            Network g = Architectures.generator(model, RGB32, 0, m);
            Network d = Architectures.discriminator(model, RGB32, 0, m);
            assertEquals(new Shape(8 * 16, 128), g.parameters().get("l1.weight").getShape(), "ngf = 2 · width");
            assertThat(g.parameters()).containsKeys("block2.b1.weight", "block4.c_sc.bias", "b5.weight", "c5.weight");
            assertThat(d.parameters())
                    .containsKeys("block1.c_sc.weight", "block2.c_sc.weight", "block4.c2.bias", "l5.weight")
                    .doesNotContainKeys("block3.c_sc.weight", "block4.c_sc.weight");
            for (String name : d.parameters().keySet()) {
                if (name.endsWith(".weight")) {
                    assertTrue(d.state().containsKey(name + "_u"), name + " is not spectrally normalized");
                }
            }
            NDArray images = g.forward(m.randomNormal(new Shape(3, 128)));
            assertEquals(new Shape(3, 3, 32, 32), images.getShape());
            assertEquals(new Shape(3, 1), d.forward(images).getShape());
            assertEquals(new Shape(3, 4, 8, 8), d.features(images, 4).get(3).getShape());
        }
    }

    @Test
    void dcgan_weights_start_as_in_the_dcgan_paper() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Network g = Architectures.generator(dcgan(64, "batch", false, false), GRAY32, 0, m);
            NDArray conv = g.parameters().get("conv1.weight");
            assertEquals(0, conv.mean().getFloat(), 2e-4);
            assertEquals(0.02, std(conv), 2e-4);
            NDArray gain = g.parameters().get("bn1.weight");
            assertEquals(1, gain.mean().getFloat(), 0.01);
            assertEquals(0.02, std(gain), 0.005);
            assertEquals(0, g.parameters().get("bn1.bias").abs().sum().getFloat());
        }
    }

    @Test
    void resnet_weights_start_as_in_mimicry() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Network g = Architectures.generator(resnet(64, false), RGB32, 0, m);
            // xavier_uniform_(gain √2) on (128, 128, 3, 3): a = √2 · √(6 / (2 · 128 · 9)).
            double bound = Math.sqrt(2) * Math.sqrt(6.0 / (2 * 128 * 9));
            NDArray c1 = g.parameters().get("block2.c1.weight");
            assertTrue(c1.abs().max().getFloat() <= bound);
            assertEquals(bound / Math.sqrt(3), std(c1), bound * 0.01);
            NDArray bias = g.parameters().get("block2.c1.bias");
            assertTrue(bias.abs().max().getFloat() <= 1 / Math.sqrt(128 * 9), "PyTorch's default bias");
            assertEquals(1, g.parameters().get("b5.weight").min().getFloat());
            assertEquals(1, g.parameters().get("b5.weight").max().getFloat());
        }
    }

    @Test
    void weights_come_from_the_seeded_engine_and_do_not_depend_on_spectral_norm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            Network a = Architectures.discriminator(dcgan(8, "none", true, false), GRAY32, 0, m);
            Engine.getInstance().setRandomSeed(11);
            Network b = Architectures.discriminator(dcgan(8, "none", true, false), GRAY32, 0, m);
            Engine.getInstance().setRandomSeed(11);
            Network plain = Architectures.discriminator(dcgan(8, "none", false, false), GRAY32, 0, m);
            for (String name : a.parameters().keySet()) {
                assertArrayEquals(
                        a.parameters().get(name).toFloatArray(),
                        b.parameters().get(name).toFloatArray());
                assertArrayEquals(
                        plain.parameters().get(name).toFloatArray(),
                        a.parameters().get(name).toFloatArray(),
                        "spectral norm changed the initial " + name);
            }
            assertEquals(
                    List.of("conv0.weight_u", "conv1.weight_u", "conv2.weight_u", "conv3.weight_u"),
                    List.copyOf(a.state().keySet()));
            for (NDArray u : a.state().values()) {
                assertEquals(1, u.norm().getFloat(), 1e-6, "u is a unit vector");
            }
            assertArrayEquals(
                    a.state().get("conv2.weight_u").toFloatArray(),
                    b.state().get("conv2.weight_u").toFloatArray());
        }
    }

    @Test
    void batch_norm_makes_a_network_see_real_and_fake_apart_only_in_training_mode() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(Architectures.discriminator(dcgan(4, "batch", false, false), GRAY32, 0, m)
                    .batchStatistics());
            assertFalse(Architectures.discriminator(dcgan(4, "none", true, false), GRAY32, 0, m)
                    .batchStatistics());
            assertFalse(
                    Architectures.discriminator(resnet(4, true), GRAY32, 3, m).batchStatistics());
            Network g = Architectures.generator(resnet(4, true), GRAY32, 3, m);
            assertTrue(g.batchStatistics());
            g.setTraining(false);
            assertFalse(g.batchStatistics());
        }
    }

    @Test
    void in_eval_mode_a_sample_does_not_depend_on_its_batch_and_no_state_moves() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network g = Architectures.generator(dcgan(4, "batch", false, false), GRAY32, 0, m);
            NDArray z = m.randomNormal(new Shape(4, 100));
            NDArray first = z.get("0:1");
            float[] trainingAlone = g.forward(first).toFloatArray();
            float[] trainingInBatch = g.forward(z).get("0:1").toFloatArray();
            assertFalse(java.util.Arrays.equals(trainingAlone, trainingInBatch), "batch statistics in training");

            g.setTraining(false);
            Map<String, TensorData> before = g.snapshot();
            float[] alone = g.forward(first).toFloatArray();
            float[] inBatch = g.forward(z).get("0:1").toFloatArray();
            assertArrayEquals(alone, inBatch, 1e-6f);
            g.snapshot().forEach((name, t) -> assertArrayEquals(before.get(name).values(), t.values(), name));
        }
    }

    @Test
    void a_training_pass_moves_the_running_statistics_and_the_spectral_vectors() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network d = Architectures.discriminator(dcgan(4, "batch", true, false), GRAY32, 0, m);
            Map<String, TensorData> before = d.snapshot();
            d.forward(m.randomUniform(-1, 1, new Shape(4, 1, 32, 32)));
            for (String name : d.state().keySet()) {
                if (d.state().get(name).size() == 1) {
                    continue; // the last conv has one output: its u is ±1 and stays
                }
                assertFalse(
                        java.util.Arrays.equals(
                                before.get(name).values(), d.state().get(name).toFloatArray()),
                        name + " did not move");
            }
        }
    }

    @Test
    void conditional_networks_need_labels_and_start_with_neutral_gains() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig model = dcgan(4, "none", true, true);
            Network g = Architectures.generator(model, GRAY32, 5, m);
            Network d = Architectures.discriminator(model, GRAY32, 5, m);
            NDArray z = m.randomNormal(new Shape(3, 100));
            NDArray labels = m.create(new int[] {0, 4, 2});
            NDArray images = g.forward(z, labels);
            // Gains 1 and biases 0: at the start the class does not change a sample yet.
            NDArray others = m.create(new int[] {3, 1, 1});
            assertArrayEquals(g.forward(z, others).toFloatArray(), images.toFloatArray(), 1e-6f);
            NDArray embedding = g.parameters().get("bn0.embed.weight");
            assertEquals(new Shape(5, 2 * 16), embedding.getShape());
            g.replace(embedding, embedding.add(m.randomNormal(embedding.getShape())));
            assertFalse(java.util.Arrays.equals(
                    g.forward(z, others).toFloatArray(), g.forward(z, labels).toFloatArray()));
            assertNotEquals(
                    d.forward(images, labels).getFloat(0, 0),
                    d.forward(images, m.create(new int[] {1, 4, 2})).getFloat(0, 0),
                    "the projection term depends on the class");
            assertThrows(IllegalArgumentException.class, () -> g.forward(z));
            assertThrows(IllegalArgumentException.class, () -> d.forward(images));
            assertThrows(
                    IllegalArgumentException.class, () -> Architectures.generator(model, GRAY32, 0, m), "no classes");
        }
    }

    @Test
    void image_feature_network_halves_down_to_4x4_and_is_frozen() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network f = Architectures.features(RGB32, 6, m);
            assertEquals(6, f.featureLayers());
            List<NDArray> features = f.features(m.randomUniform(-1, 1, new Shape(2, 3, 32, 32)), 6);
            long[] sides = features.stream().mapToLong(x -> x.getShape().get(2)).toArray();
            assertArrayEquals(new long[] {16, 8, 4, 4, 4, 4}, sides);
            assertEquals(
                    ImageFeatureNetworks.CHANNELS, features.get(5).getShape().get(1));
            f.parameters().values().forEach(p -> assertFalse(p.hasGradient(), "trainable feature network"));
            assertEquals(
                    new Shape(2, 32, 32, 32),
                    Architectures.features(RGB64, 1, m)
                            .features(m.zeros(new Shape(2, 3, 64, 64)), 1)
                            .get(0)
                            .getShape());
        }
    }

    @Test
    void the_signature_names_every_field_that_shapes_a_tensor() {
        ModelConfig base = dcgan(64, "batch", false, true);
        String signature = Architectures.signature(base, GRAY32, 10);
        assertEquals(
                "dcgan resolution=32 channels=1 latentDim=100 width=64 discriminatorNorm=batch spectralNorm=false"
                        + " conditional=true classes=10",
                signature);
        List<UnaryOperator<ModelConfig>> changes = List.of(
                c -> new ModelConfig("resnet", 100, 0, 0, 64, false, true, "batch"),
                c -> new ModelConfig("dcgan", 99, 0, 0, 64, false, true, "batch"),
                c -> new ModelConfig("dcgan", 100, 0, 0, 32, false, true, "batch"),
                c -> new ModelConfig("dcgan", 100, 0, 0, 64, true, true, "batch"),
                c -> new ModelConfig("dcgan", 100, 0, 0, 64, false, false, "batch"),
                c -> new ModelConfig("dcgan", 100, 0, 0, 64, false, true, "none"));
        for (UnaryOperator<ModelConfig> change : changes) {
            assertNotEquals(signature, Architectures.signature(change.apply(base), GRAY32, 10));
        }
        assertNotEquals(signature, Architectures.signature(base, RGB32, 10));
        assertNotEquals(signature, Architectures.signature(base, new DataConfig("images", 64, 1), 10));
        assertNotEquals(signature, Architectures.signature(base, GRAY32, 9));
        assertEquals(
                "mlp latentDim=2 hiddenUnits=8 hiddenLayers=2",
                Architectures.signature(ModelConfig.mlp(2, 8, 2, false), DataConfig.points("ring8"), 0),
                "mlp checkpoints keep their signature");
    }

    @Test
    void validation_names_each_field_a_convolutional_model_gets_wrong() {
        assertThat(Architectures.validate(dcgan(64, "batch", false, false), GRAY32))
                .isEmpty();
        assertThat(Architectures.validate(resnet(128, true), RGB32)).isEmpty();
        assertThat(fields(Architectures.validate(dcgan(64, "none", false, false), DataConfig.points("ring8"))))
                .containsExactly("model.architecture");
        assertThat(fields(Architectures.validate(dcgan(64, "none", false, false), new DataConfig("images", 48, 1))))
                .containsExactly("data.resolution");
        assertThat(fields(Architectures.validate(resnet(64, false), RGB64))).containsExactly("data.resolution");
        assertThat(fields(Architectures.validate(dcgan(0, "none", false, false), GRAY32)))
                .containsExactly("model.width");
        assertThat(fields(Architectures.validate(dcgan(257, "none", false, false), GRAY32)))
                .containsExactly("model.width");
        assertThat(fields(Architectures.validate(
                        new ModelConfig("dcgan", 100, 256, 3, 64, false, false, "none"), GRAY32)))
                .containsExactly("model.hiddenUnits", "model.hiddenLayers");
        assertThat(fields(
                        Architectures.validate(new ModelConfig("resnet", 128, 0, 0, 64, false, false, "batch"), RGB32)))
                .containsExactly("model.spectralNorm", "model.discriminatorNorm");
        assertThat(fields(Architectures.validate(new ModelConfig("dcgan", 0, 0, 0, 64, false, false, "none"), RGB32)))
                .containsExactly("model.latentDim");
    }

    private static List<String> fields(List<ConfigViolation> violations) {
        return violations.stream().map(ConfigViolation::field).toList();
    }

    private static double std(NDArray x) {
        NDArray centered = x.sub(x.mean());
        return Math.sqrt(centered.square().mean().getFloat());
    }
}
