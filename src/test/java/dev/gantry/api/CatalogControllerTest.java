package dev.gantry.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.TestKeys;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** The catalog a client reads before writing a spec: the validator's own descriptors, as JSON. */
// The whole server rather than an MVC slice: the slice would leave out the key check and the
// access rules every API request goes through.
@GantryIntegrationTest
@AutoConfigureMockMvc
class CatalogControllerTest {

    @Autowired
    MockMvc mvc;

    @Test
    void lists_every_loss_and_term_with_its_side_parameters_and_defaults() throws Exception {
        mvc.perform(get("/api/v1/catalog").header("Authorization", "Bearer " + TestKeys.OWNER))
                .andExpect(status().isOk())
                .andExpect(jsonPath(
                        "$.adversarialLosses[*].name", Matchers.hasItems("non-saturating", "hinge", "rahinge")))
                .andExpect(
                        jsonPath("$.adversarialLosses[?(@.name == 'minimax')].labelSmoothing", Matchers.contains(true)))
                .andExpect(jsonPath(
                        "$.adversarialLosses[?(@.name == 'wasserstein')].labelSmoothing", Matchers.contains(false)))
                .andExpect(
                        jsonPath("$.terms[?(@.name == 'gradient-penalty')].side", Matchers.contains("discriminator")))
                .andExpect(jsonPath(
                        "$.terms[?(@.name == 'gradient-penalty')].params[*].name",
                        Matchers.contains("target", "oneSided")))
                .andExpect(jsonPath(
                        "$.terms[?(@.name == 'gradient-penalty')].params[0].defaultValue", Matchers.contains(1.0)))
                .andExpect(jsonPath("$.terms[?(@.name == 'weight-clipping')].constraint", Matchers.contains(true)))
                .andExpect(jsonPath("$.terms[?(@.name == 'feature-matching')].side", Matchers.contains("generator")))
                .andExpect(jsonPath(
                        "$.terms[?(@.name == 'perceptual')].params[*].name",
                        Matchers.contains("network", "layers", "distance", "gram")))
                .andExpect(jsonPath("$.terms.length()", Matchers.is(10)))
                .andExpect(jsonPath("$.augmentations", Matchers.contains("color", "translation", "cutout")))
                .andExpect(jsonPath("$.resolutions", Matchers.contains(32, 64)))
                .andExpect(jsonPath("$.metricGoals['eval/fid']", Matchers.is("min")))
                .andExpect(jsonPath("$.metricGoals['eval/sliced-wasserstein']", Matchers.is("min")))
                .andExpect(jsonPath("$.metricGoals['eval/modes']", Matchers.is("max")))
                // Right at 1, neither higher nor lower: no direction, so no "best".
                .andExpect(jsonPath("$.metricGoals['eval/spread']").doesNotExist());
    }
}
