package dev.gantry.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code eval/sliced-wasserstein} and {@code eval/spread} against {@code
 * scripts/eval/points_golden.py} (scipy's wasserstein_distance on each projection, numpy's median)
 * on mixtures drawn right, too narrow, too wide and shifted.
 */
class PointsGoldenTest {

    static Stream<JsonObject> cases() throws IOException {
        JsonObject root = GoldenFiles.read("points-golden.json", "points_golden.py");
        assertThat(root.get("directions").getAsInt()).isEqualTo(SlicedWasserstein.DIRECTIONS);
        return GoldenFiles.cases(root, 4).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sliced_wasserstein_matches_scipy(JsonObject c) {
        double expected = c.get("slicedWasserstein").getAsDouble();
        double actual = SlicedWasserstein.distance(
                points(c.getAsJsonArray("fake")), points(c.getAsJsonArray("real")), SlicedWasserstein.DIRECTIONS);
        assertThat(actual).as(c.get("name").getAsString()).isCloseTo(expected, within(1e-9 * expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void spread_matches_numpy(JsonObject c) {
        List<double[]> modes = new ArrayList<>();
        c.getAsJsonArray("modes")
                .forEach(m -> modes.add(new double[] {
                    m.getAsJsonArray().get(0).getAsDouble(),
                    m.getAsJsonArray().get(1).getAsDouble()
                }));
        OptionalDouble spread = ModeSpread.ratio(
                points(c.getAsJsonArray("fake")),
                points(c.getAsJsonArray("real")),
                modes,
                c.get("sigma").getAsDouble());
        if (c.get("spread").isJsonNull()) {
            assertThat(spread).as("no generated point within 3σ of a mode").isEmpty();
        } else {
            assertThat(spread.orElseThrow())
                    .as(c.get("name").getAsString())
                    .isCloseTo(c.get("spread").getAsDouble(), within(1e-12));
        }
    }

    @Test
    void a_sample_is_at_distance_zero_from_itself_and_the_sizes_must_match() {
        float[] a = {0, 1, 2, 3, -1, 0.5f};
        assertThat(SlicedWasserstein.distance(a, a.clone(), 16)).isZero();
        // Order does not matter: the same points listed differently.
        float[] shuffled = {2, 3, -1, 0.5f, 0, 1};
        assertThat(SlicedWasserstein.distance(a, shuffled, 16)).isZero();
        assertThatThrownBy(() -> SlicedWasserstein.distance(a, new float[] {0, 1}, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one size");
    }

    private static float[] points(JsonArray values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }
}
