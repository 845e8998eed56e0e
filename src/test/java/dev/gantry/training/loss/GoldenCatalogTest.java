package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite covers exactly the catalog: a loss or term added to {@link
 * TrainingCatalog} without golden cases fails here, and so does a golden case for a name the
 * catalog no longer has.
 */
class GoldenCatalogTest {

    private static final int MIN_CASES = 3;

    @Test
    void every_adversarial_loss_of_the_catalog_has_golden_cases_and_no_other() {
        Map<String, List<JsonObject>> cases = Golden.group("adversarial");
        print("adversarial", cases);
        assertEquals(
                new TreeSet<>(LossCatalog.adversarialNames()), counts(cases).keySet());
        cases.forEach((name, list) -> {
            assertTrue(list.size() >= MIN_CASES, name + " has " + list.size() + " cases");
            Set<Double> smoothing = new HashSet<>();
            list.forEach(c -> smoothing.add(c.get("labelSmoothing").getAsDouble()));
            boolean smoothable = LossCatalog.adversarial(name).orElseThrow().labelSmoothing();
            assertEquals(
                    smoothable,
                    smoothing.stream().anyMatch(s -> s > 0),
                    name + ": label smoothing cases exactly where the catalog allows it");
        });
    }

    @Test
    void every_term_of_the_catalog_has_golden_cases_and_no_other() {
        Map<String, List<JsonObject>> cases = new java.util.LinkedHashMap<>(Golden.group("terms"));
        // The perceptual term's cases run on an uploaded network, in a file of their own; their
        // network parameter is the module the script loaded.
        List<JsonObject> perceptual = new java.util.ArrayList<>();
        for (JsonObject c : PerceptualGolden.cases()) {
            JsonObject copy = c.deepCopy();
            copy.getAsJsonObject("params")
                    .addProperty(
                            "network", PerceptualGolden.root().get("module").getAsString());
            perceptual.add(copy);
        }
        cases.put("perceptual", perceptual);
        print("terms", cases);
        assertEquals(new TreeSet<>(LossCatalog.termNames()), counts(cases).keySet());
        cases.forEach((name, list) -> assertTrue(list.size() >= MIN_CASES, name + " has " + list.size() + " cases"));
        for (Map.Entry<String, List<JsonObject>> e : cases.entrySet()) {
            Set<String> params = new HashSet<>();
            e.getValue().forEach(c -> params.addAll(c.getAsJsonObject("params").keySet()));
            assertEquals(
                    LossCatalog.term(e.getKey()).orElseThrow().params().stream()
                            .map(TermParam::name)
                            .collect(java.util.stream.Collectors.toSet()),
                    params,
                    e.getKey() + ": every parameter is set in some case");
        }
    }

    @Test
    void adaptive_cases_cover_both_sides_and_spectral_norm_has_cases() {
        List<JsonObject> adaptive = Golden.objects(Golden.root().getAsJsonArray("adaptive"));
        int spectral = Golden.root().getAsJsonArray("spectralNorm").size();
        long discriminator = adaptive.stream()
                .filter(c -> c.get("side").getAsString().equals("discriminator"))
                .count();
        System.out.printf(
                "golden cases: adaptive %d (discriminator %d, generator %d), spectralNorm %d%n",
                adaptive.size(), discriminator, adaptive.size() - discriminator, spectral);
        assertTrue(discriminator >= MIN_CASES && adaptive.size() - discriminator >= MIN_CASES);
        assertTrue(spectral >= MIN_CASES);
        for (JsonObject c : adaptive) {
            for (JsonElement t : c.getAsJsonArray("terms")) {
                String type = t.getAsJsonObject().get("type").getAsString();
                assertEquals(
                        c.get("side").getAsString(),
                        LossCatalog.term(type).orElseThrow().side().label(),
                        type + " in an adaptive case");
            }
        }
    }

    private static Map<String, Integer> counts(Map<String, List<JsonObject>> cases) {
        Map<String, Integer> out = new TreeMap<>();
        cases.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    private static void print(String group, Map<String, List<JsonObject>> cases) {
        System.out.println("golden cases, " + group + ": " + counts(cases));
    }
}
