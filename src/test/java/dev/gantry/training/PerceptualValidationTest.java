package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.config.FeatureProbe;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * perceptual's typed parameters (a string, an object of names to numbers, numbers) and its checks
 * against the network it names and the data: each problem under its own field, with what it must be.
 */
class PerceptualValidationTest {

    static final String VGG = "00000000-0000-0000-0000-00000000000a";
    static final String POOLED = "00000000-0000-0000-0000-00000000000b";
    static final String GRAY = "00000000-0000-0000-0000-00000000000c";

    /** A VGG-style network of any size, probed at 32 and 64; a pooled one at a fixed 48; a grayscale one. */
    static final Map<String, FeatureNetworkInfo> NETWORKS = Map.of(
            VGG,
            new FeatureNetworkInfo(
                    VGG,
                    "aa",
                    descriptor("vgg-tiny", 3, null, List.of("relu1_2", "relu2_2")),
                    List.of(
                            new FeatureProbe(
                                    32, Map.of("relu1_2", List.of(8L, 32L, 32L), "relu2_2", List.of(16L, 16L, 16L))),
                            new FeatureProbe(
                                    64, Map.of("relu1_2", List.of(8L, 64L, 64L), "relu2_2", List.of(16L, 32L, 32L))))),
            POOLED,
            new FeatureNetworkInfo(
                    POOLED,
                    "bb",
                    descriptor("pooled-tiny", 3, 48, List.of("pool")),
                    List.of(new FeatureProbe(48, Map.of("pool", List.of(32L))))),
            GRAY,
            new FeatureNetworkInfo(
                    GRAY,
                    "cc",
                    descriptor("gray-tiny", 1, null, List.of("relu1")),
                    List.of(
                            new FeatureProbe(32, Map.of("relu1", List.of(4L, 32L, 32L))),
                            new FeatureProbe(64, Map.of("relu1", List.of(4L, 64L, 64L))))));

    static FeatureNetworkDescriptor descriptor(String name, int channels, Integer size, List<String> outputs) {
        return new FeatureNetworkDescriptor(
                name,
                new FeatureNetworkDescriptor.Input(
                        channels,
                        size,
                        size == null ? null : "bilinear",
                        List.of(0.0, 1.0),
                        java.util.Collections.nCopies(channels, 0.5),
                        java.util.Collections.nCopies(channels, 0.25)),
                outputs);
    }

    private static List<ConfigViolation> violations(DataConfig data, Map<String, Object> params) {
        TrainingConfig base = TestConfigs.grid25("non-saturating", 10, 3);
        TrainingConfig config = new TrainingConfig(
                data,
                data.images()
                        ? new ModelConfig("dcgan", 16, 0, 0, 8, false, false, "none")
                        : ModelConfig.mlp(2, 16, 2, false),
                new LossConfig("non-saturating", 0, List.of(new TermConfig("perceptual", 10, false, params))),
                base.generatorOptimizer(),
                base.discriminatorOptimizer(),
                10,
                8,
                1,
                3,
                0,
                0,
                200,
                0,
                0,
                0);
        DataShape shape = data.images() ? new DataShape(true, data.channels(), 32, 32, 0) : DataShape.POINTS;
        return TrainingCatalog.validate(config, shape, NETWORKS);
    }

    private static Map<String, String> problems(DataConfig data, Map<String, Object> params) {
        Map<String, String> out = new LinkedHashMap<>();
        violations(data, params).forEach(v -> out.put(v.field(), v.message()));
        return out;
    }

    private static Map<String, Object> params(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    static final DataConfig RGB32 = new DataConfig("digits", 32, 3);
    static final DataConfig GRAY32 = new DataConfig("digits", 32, 1);
    static final String P = "loss.terms[0].params.";

    @Test
    void a_network_its_layers_and_every_option_are_accepted() {
        assertEquals(
                Map.of(), problems(RGB32, params("network", VGG, "layers", Map.of("relu1_2", 1.0, "relu2_2", 0.5))));
        assertEquals(
                Map.of(),
                problems(
                        GRAY32,
                        params("network", VGG, "layers", Map.of("relu2_2", 1.0), "distance", "l1", "gram", 1.0)));
        assertEquals(Map.of(), problems(RGB32, params("network", POOLED, "layers", Map.of("pool", 2.0))));
        assertEquals(
                Map.of(),
                problems(new DataConfig("digits", 64, 1), params("network", GRAY, "layers", Map.of("relu1", 1.0))));
    }

    @Test
    void values_of_the_wrong_type_are_refused_under_their_own_field() {
        Map<String, String> p =
                problems(RGB32, params("network", 7.0, "layers", List.of("relu2_2"), "distance", 2.0, "gram", "1"));
        assertEquals(List.of(P + "network", P + "layers", P + "distance", P + "gram"), List.copyOf(p.keySet()));
        assertTrue(p.get(P + "network").startsWith("must be a string"), p.toString());
        assertTrue(p.get(P + "layers").startsWith("must be an object of output names to weights"), p.toString());
        assertTrue(p.get(P + "distance").startsWith("must be a string"), p.toString());
        assertEquals("must be a number", p.get(P + "gram"));
    }

    @Test
    void required_parameters_and_bad_values_name_themselves() {
        assertEquals(
                Map.of(
                        P + "network",
                        "is required: the id of a READY feature network (POST /api/v1/feature-networks)",
                        P + "layers",
                        "is required: named outputs of the network → weight >= 0, at least one > 0"),
                problems(RGB32, params()));
        Map<String, String> p = problems(
                RGB32,
                params(
                        "network",
                        VGG,
                        "layers",
                        params("relu2_2", -1.0, "relu1_2", "x"),
                        "distance",
                        "l2",
                        "gram",
                        2.0));
        assertEquals(
                List.of(P + "layers.relu2_2", P + "layers.relu1_2", P + "distance", P + "gram"),
                List.copyOf(p.keySet()));
        assertEquals("must be mse or l1", p.get(P + "distance"));
        assertEquals("must be 0 or 1", p.get(P + "gram"));
        assertEquals(
                Map.of(P + "layers", "at least one weight must be > 0"),
                problems(RGB32, params("network", VGG, "layers", Map.of("relu2_2", 0.0))));
        assertEquals(
                Map.of(P + "layers", "must name 1 to 64 outputs"),
                problems(RGB32, params("network", VGG, "layers", Map.of())));
        assertEquals(
                List.of(P + "size"),
                List.copyOf(problems(RGB32, params("network", VGG, "layers", Map.of("relu2_2", 1.0), "size", 3.0))
                        .keySet()));
    }

    @Test
    void the_network_must_exist_expose_the_layers_and_fit_the_data() {
        String unknown = "00000000-0000-0000-0000-0000000000ff";
        assertTrue(problems(RGB32, params("network", unknown, "layers", Map.of("relu2_2", 1.0)))
                .get(P + "network")
                .startsWith("no READY feature network '" + unknown + "'"));
        assertEquals(
                Map.of(P + "layers.relu9_9", "is not an output of vgg-tiny; it has [relu1_2, relu2_2]"),
                problems(RGB32, params("network", VGG, "layers", Map.of("relu2_2", 1.0, "relu9_9", 1.0))));
        assertTrue(problems(RGB32, params("network", GRAY, "layers", Map.of("relu1", 1.0)))
                .get(P + "network")
                .startsWith("gray-tiny takes 1 input channel; the images have 3"));
        assertTrue(problems(RGB32, params("network", POOLED, "layers", Map.of("pool", 1.0), "gram", 1.0))
                .get(P + "gram")
                .startsWith("Gram matrices need (C, H, W) feature maps; pool gives [32]"));
        assertTrue(problems(DataConfig.points("ring8"), params("network", VGG, "layers", Map.of("relu2_2", 1.0)))
                .get(P + "network")
                .endsWith("holds 2-D points: use perceptual-random"));
    }

    @Test
    void the_networks_a_config_names_are_listed_for_the_caller_to_load() {
        TermConfig a = new TermConfig("perceptual", 1, false, params("network", VGG, "layers", Map.of("relu2_2", 1.0)));
        TermConfig b = new TermConfig("perceptual-random", 1, false, Map.of());
        TrainingConfig base = TestConfigs.grid25("non-saturating", 10, 3);
        TrainingConfig config = base.toBuilder()
                .loss(new LossConfig("non-saturating", 0, List.of(b, a)))
                .build();
        assertEquals(java.util.Set.of(VGG), TrainingCatalog.featureNetworks(config));
    }
}
