package dev.gantry.training.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validation a generation process runs on an upload, in this JVM on the committed test
 * networks ({@code scripts/features/make_test_networks.py}): the good ones record each output's
 * shape at each probed side; each hostile one is refused with its reason. (The module that never
 * ends is the API test's: only a process with a watchdog can stop it.)
 */
class FeatureNetworkProbeTest {

    static byte[] bytes(String name) {
        try (InputStream in = FeatureNetworkProbeTest.class.getResourceAsStream("/features/" + name)) {
            assertNotNull(in, name + " is missing: run scripts/features/make_test_networks.py");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static FeatureNetworkDescriptor descriptor(String name) {
        JsonObject d = JsonParser.parseString(new String(bytes(name + ".json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonObject in = d.getAsJsonObject("input");
        List<String> outputs = new ArrayList<>();
        d.getAsJsonArray("outputs").forEach(e -> outputs.add(e.getAsString()));
        return new FeatureNetworkDescriptor(
                d.get("name").getAsString(),
                new FeatureNetworkDescriptor.Input(
                        in.get("channels").getAsInt(),
                        in.has("size") ? in.get("size").getAsInt() : null,
                        in.has("resize") ? in.get("resize").getAsString() : null,
                        doubles(in, "range"),
                        doubles(in, "mean"),
                        doubles(in, "std")),
                outputs);
    }

    private static List<Double> doubles(JsonObject o, String key) {
        List<Double> out = new ArrayList<>();
        o.getAsJsonArray(key).forEach(e -> out.add(e.getAsDouble()));
        return out;
    }

    static FeatureNetworkProbe.Result probe(String name) {
        FeatureNetworkDescriptor d = descriptor(name);
        return FeatureNetworkProbe.run(bytes(name + ".pt"), d, TrainingCatalog.featureProbeSides(d));
    }

    @Test
    void a_vgg_style_network_of_any_size_is_probed_at_every_resolution() {
        FeatureNetworkProbe.Result r = probe("vgg_tiny");
        assertNull(r.failure());
        assertEquals(
                List.of(
                        new FeatureProbe(
                                32,
                                Map.of(
                                        "relu1_2", List.of(8L, 32L, 32L),
                                        "relu2_2", List.of(16L, 16L, 16L),
                                        "relu3_2", List.of(32L, 8L, 8L))),
                        new FeatureProbe(
                                64,
                                Map.of(
                                        "relu1_2", List.of(8L, 64L, 64L),
                                        "relu2_2", List.of(16L, 32L, 32L),
                                        "relu3_2", List.of(32L, 16L, 16L)))),
                r.probes());
        // 3·8·9+8 + 8·8·9+8 + 8·16·9+16 + 16·16·9+16 + 16·32·9+32 + 32·32·9+32
        assertEquals(224 + 584 + 1168 + 2320 + 4640 + 9248, r.parameters());
    }

    @Test
    void a_frozen_pooled_network_with_batch_norm_is_probed_at_its_size() {
        FeatureNetworkProbe.Result r = probe("pooled_tiny");
        assertNull(r.failure());
        assertEquals(List.of(new FeatureProbe(48, Map.of("pool", List.of(32L)))), r.probes());
        assertEquals(0, r.parameters(), "torch.jit.freeze makes the weights constants");
        FeatureNetworkProbe.Result gray = probe("gray_tiny");
        assertNull(gray.failure());
        assertEquals(List.of(4L, 32L, 32L), gray.probes().get(0).shapes().get("relu1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "throws      | the module failed on a probe batch of shape (2, 3, 32, 32): ",
                "nan         | output relu1_2 has NaN or infinite values on a probe batch",
                "wrong_batch | output relu1_2 has shape (8, 32, 32): the batch axis (2 images) must come first",
                "missing     | the module returned no output relu1_2 on a probe batch of shape (2, 3, 32, 32); it returned [relu1_1]",
                "not_a_dict  | the module failed on a probe batch of shape (2, 3, 32, 32): the module must return a dict of named tensors (Dict[str, Tensor]); it returned 1 unnamed or repeated tensors",
                "dropout     | output relu1_2 differs by",
                "detached    | output relu1_2 is cut off from the input (detached, or constant)"
            })
    void a_hostile_module_is_refused_with_its_reason(String name, String reason) {
        FeatureNetworkProbe.Result r = probe(name);
        assertNotNull(r.failure(), name + " passed");
        assertTrue(r.failure().startsWith(reason.strip()), name + ": " + r.failure());
        assertEquals(List.of(), r.probes());
        System.out.println(name + " → " + r.failure());
    }

    @Test
    void bytes_that_are_not_torchscript_are_refused() {
        byte[] zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 1, 2, 3};
        FeatureNetworkProbe.Result r = FeatureNetworkProbe.run(zip, descriptor("vgg_tiny"), List.of(32));
        assertTrue(r.failure().startsWith("not a TorchScript module libtorch can load: "), r.failure());
        System.out.println("zip garbage → " + r.failure());
    }

    @Test
    void a_module_exposing_fewer_channels_than_declared_fails_at_its_first_layer() {
        FeatureNetworkDescriptor vgg = descriptor("vgg_tiny");
        FeatureNetworkDescriptor asGray = new FeatureNetworkDescriptor(
                vgg.name(),
                new FeatureNetworkDescriptor.Input(1, null, null, vgg.input().range(), List.of(0.5), List.of(0.25)),
                vgg.outputs());
        FeatureNetworkProbe.Result r = FeatureNetworkProbe.run(bytes("vgg_tiny.pt"), asGray, List.of(32));
        assertTrue(r.failure().startsWith("the module failed on a probe batch of shape (2, 1, 32, 32)"), r.failure());
    }
}
