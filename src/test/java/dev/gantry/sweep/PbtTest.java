package dev.gantry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** PBT's rules on small known inputs, every option of the explore step included. */
class PbtTest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void decision_steps_come_every_interval_before_the_last_step() {
        assertThat(Pbt.decisionSteps(200, 1000)).containsExactly(200L, 400L, 600L, 800L);
        assertThat(Pbt.decisionSteps(250, 1000)).containsExactly(250L, 500L, 750L);
        assertThat(Pbt.decisionSteps(1000, 1000)).isEmpty();
    }

    @Test
    void the_bottom_and_the_top_are_a_quantile_of_the_values_at_least_one_from_two_values_on() {
        assertThat(Pbt.quantileCount(1, 0.25)).isZero();
        assertThat(Pbt.quantileCount(2, 0.25)).isEqualTo(1);
        assertThat(Pbt.quantileCount(7, 0.25)).isEqualTo(1);
        assertThat(Pbt.quantileCount(8, 0.25)).isEqualTo(2);
        assertThat(Pbt.quantileCount(8, 0.5)).isEqualTo(4);

        Map<Integer, Double> values = new LinkedHashMap<>();
        double[] v = {0.5, 0.9, 0.1, 0.7, 0.3, 0.8, 0.2, 0.6};
        for (int i = 0; i < v.length; i++) {
            values.put(i, v[i]);
        }
        // Goal max: the two lowest are the bottom, the two highest the top.
        for (int i = 0; i < v.length; i++) {
            assertThat(Pbt.inBottom(v[i], values.values(), 0.25, true))
                    .as("value %s", v[i])
                    .isEqualTo(v[i] <= 0.2);
            assertThat(Pbt.inBottom(v[i], values.values(), 0.25, false))
                    .as("value %s, goal min", v[i])
                    .isEqualTo(v[i] >= 0.8);
        }
        assertThat(Pbt.top(values, 0.25, true)).containsExactly(1, 5);
        assertThat(Pbt.top(values, 0.25, false)).containsExactly(2, 6);
        // A lone value is judged against nobody.
        assertThat(Pbt.inBottom(0.1, List.of(0.1), 0.25, true)).isFalse();
    }

    @Test
    void ties_are_replaced_all_or_none_and_a_nan_is_the_worst() {
        assertThat(Pbt.inBottom(0.5, List.of(0.5, 0.5, 0.5, 0.5), 0.25, true)).isFalse();
        assertThat(Pbt.top(Map.of(0, 0.5, 1, 0.5, 2, 0.5, 3, 0.5), 0.25, true)).containsExactly(0, 1, 2, 3);
        // Two share the bottom of four: both are beaten by the other two, at least n − k = 3 needed.
        assertThat(Pbt.inBottom(0.1, List.of(0.1, 0.1, 0.6, 0.9), 0.25, true)).isFalse();
        assertThat(Pbt.inBottom(0.1, List.of(0.1, 0.1, 0.6, 0.9), 0.5, true)).isTrue();
        assertThat(Pbt.inBottom(Double.NaN, List.of(Double.NaN, 0.0, 0.6, 0.9), 0.25, true))
                .isTrue();
        assertThat(Pbt.inBottom(Double.NaN, List.of(Double.NaN, 0.0, 0.6, 0.9), 0.25, false))
                .isTrue();
    }

    @Test
    void a_ranges_value_is_multiplied_by_a_factor_clamped_and_rounded_when_integer() {
        SweepRequest.Dimension rate = new SweepRequest.Dimension(null, 1e-5, 1e-2, "log", null);
        SweepRequest.Dimension steps = new SweepRequest.Dimension(null, 1.0, 5.0, null, true);
        Map<String, SweepRequest.Dimension> space = new LinkedHashMap<>();
        space.put("optimizer.generator.learningRate", rate);
        space.put("training.discriminatorSteps", steps);
        SweepRequest.Pbt pbt = new SweepRequest.Pbt(1, 0.25, List.of(0.5, 2.0), 0.0, 4);
        for (long seed = 0; seed < 50; seed++) {
            Map<String, JsonNode> parent = Map.of(
                    "optimizer.generator.learningRate", NODES.numberNode(8e-3),
                    "training.discriminatorSteps", NODES.numberNode(3));
            Map<String, JsonNode> child = Pbt.explore(parent, space, pbt, new SplittableRandom(seed));
            // 8e-3 × 2 is past the range's max: clamped to it.
            assertThat(child.get("optimizer.generator.learningRate").asDouble()).isIn(4e-3, 1e-2);
            // 3 × 0.5 = 1.5 rounds to 2; 3 × 2 = 6 is clamped to 5; both whole numbers.
            assertThat(child.get("training.discriminatorSteps").isIntegralNumber())
                    .isTrue();
            assertThat(child.get("training.discriminatorSteps").asLong()).isIn(2L, 5L);
            assertThat(child.keySet())
                    .containsExactly("optimizer.generator.learningRate", "training.discriminatorSteps");
        }
    }

    @Test
    void a_lists_value_moves_to_a_neighbour_staying_put_at_an_end() {
        List<JsonNode> types = List.of(
                NODES.stringNode("non-saturating"), NODES.stringNode("hinge"), NODES.stringNode("least-squares"));
        Map<String, SweepRequest.Dimension> space =
                Map.of("loss.adversarial.type", new SweepRequest.Dimension(types, null, null, null, null));
        SweepRequest.Pbt pbt = new SweepRequest.Pbt(1, 0.25, List.of(0.8, 1.2), 0.0, 4);
        Set<String> fromMiddle = new TreeSet<>();
        Set<String> fromEnd = new TreeSet<>();
        for (long seed = 0; seed < 50; seed++) {
            fromMiddle.add(
                    Pbt.explore(Map.of("loss.adversarial.type", types.get(1)), space, pbt, new SplittableRandom(seed))
                            .get("loss.adversarial.type")
                            .asString());
            fromEnd.add(
                    Pbt.explore(Map.of("loss.adversarial.type", types.get(2)), space, pbt, new SplittableRandom(seed))
                            .get("loss.adversarial.type")
                            .asString());
        }
        assertThat(fromMiddle).containsExactly("least-squares", "non-saturating");
        assertThat(fromEnd).containsExactly("hinge", "least-squares");
    }

    @Test
    void with_resample_probability_one_every_value_is_drawn_afresh_as_a_random_search_draws() {
        SweepRequest.Dimension rate = new SweepRequest.Dimension(null, 1e-5, 1e-2, "log", null);
        Map<String, SweepRequest.Dimension> space = Map.of("optimizer.generator.learningRate", rate);
        SweepRequest.Pbt pbt = new SweepRequest.Pbt(1, 0.25, List.of(0.8, 1.2), 1.0, 4);
        Map<String, JsonNode> parent = Map.of("optimizer.generator.learningRate", NODES.numberNode(1e-3));
        SplittableRandom random = new SplittableRandom(7);
        SplittableRandom replay = new SplittableRandom(7);
        replay.nextDouble(); // the resample coin
        JsonNode expected = SweepPlanner.draw(rate, replay);
        assertThat(Pbt.explore(parent, space, pbt, random).get("optimizer.generator.learningRate"))
                .isEqualTo(expected);
    }

    @Test
    void a_decisions_draws_depend_on_the_sweeps_seed_the_trial_and_the_step_only() {
        assertThat(Pbt.random(13, 3, 400).nextLong())
                .isEqualTo(Pbt.random(13, 3, 400).nextLong());
        long base = Pbt.random(13, 3, 400).nextLong();
        assertThat(Pbt.random(14, 3, 400).nextLong()).isNotEqualTo(base);
        assertThat(Pbt.random(13, 4, 400).nextLong()).isNotEqualTo(base);
        assertThat(Pbt.random(13, 3, 600).nextLong()).isNotEqualTo(base);
    }
}
