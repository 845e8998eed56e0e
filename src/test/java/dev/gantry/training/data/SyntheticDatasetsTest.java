package dev.gantry.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticDatasetsTest {

    @Test
    void ring8_has_pacgan_modes_on_the_unit_circle_with_sigma_0_01() {
        SyntheticDataset ring = SyntheticDatasets.byName("ring8");
        assertEquals(0.01, ring.sigma());
        List<double[]> modes = ring.modes();
        assertEquals(8, modes.size());
        for (int k = 0; k < 8; k++) {
            double angle = Math.PI / 4 * k;
            assertEquals(Math.cos(angle), modes.get(k)[0], 1e-15);
            assertEquals(Math.sin(angle), modes.get(k)[1], 1e-15);
        }
    }

    @Test
    void grid25_has_pacgan_modes_on_the_even_grid_with_sigma_0_05() {
        SyntheticDataset grid = SyntheticDatasets.byName("grid25");
        assertEquals(0.05, grid.sigma());
        List<String> modes =
                grid.modes().stream().map(m -> m[0] + "," + m[1]).sorted().toList();
        List<String> expected = new java.util.ArrayList<>();
        for (double x : new double[] {-4, -2, 0, 2, 4}) {
            for (double y : new double[] {-4, -2, 0, 2, 4}) {
                expected.add(x + "," + y);
            }
        }
        assertEquals(expected.stream().sorted().toList(), modes);
    }

    @Test
    void samples_are_a_function_of_the_seed() {
        for (String name : List.of("ring8", "grid25", "swissroll")) {
            SyntheticDataset data = SyntheticDatasets.byName(name);
            float[] a = new float[2000];
            float[] b = new float[2000];
            float[] c = new float[2000];
            data.sample(new SplittableRandom(42), 1000, a);
            data.sample(new SplittableRandom(42), 1000, b);
            data.sample(new SplittableRandom(43), 1000, c);
            assertArrayEquals(a, b, name);
            assertFalse(Arrays.equals(a, c), name + " ignores the seed");
        }
    }

    @Test
    void mixture_samples_spread_sigma_around_uniformly_chosen_modes() {
        for (String name : List.of("ring8", "grid25")) {
            SyntheticDataset data = SyntheticDatasets.byName(name);
            List<double[]> modes = data.modes();
            int n = 50_000;
            float[] xy = new float[2 * n];
            data.sample(new SplittableRandom(7), n, xy);
            int[] counts = new int[modes.size()];
            double sumSquares = 0;
            for (int i = 0; i < n; i++) {
                int nearest = 0;
                double best = Double.MAX_VALUE;
                for (int m = 0; m < modes.size(); m++) {
                    double dx = xy[2 * i] - modes.get(m)[0];
                    double dy = xy[2 * i + 1] - modes.get(m)[1];
                    if (dx * dx + dy * dy < best) {
                        best = dx * dx + dy * dy;
                        nearest = m;
                    }
                }
                counts[nearest]++;
                sumSquares += best;
            }
            double perCoordinateStd = Math.sqrt(sumSquares / (2.0 * n));
            assertEquals(data.sigma(), perCoordinateStd, data.sigma() * 0.02, name + " spread");
            double expected = (double) n / modes.size();
            for (int count : counts) {
                assertEquals(expected, count, expected * 0.1, name + " mode frequencies " + Arrays.toString(counts));
            }
        }
    }

    @Test
    void swissroll_stays_inside_its_bounds_and_has_no_modes() {
        SyntheticDataset roll = SyntheticDatasets.byName("swissroll");
        assertTrue(roll.modes().isEmpty());
        float[] xy = new float[20_000];
        roll.sample(new SplittableRandom(1), 10_000, xy);
        Bounds b = roll.bounds();
        double maxRadius = 0;
        for (int i = 0; i < 10_000; i++) {
            assertTrue(xy[2 * i] > b.minX()
                    && xy[2 * i] < b.maxX()
                    && xy[2 * i + 1] > b.minY()
                    && xy[2 * i + 1] < b.maxY());
            maxRadius = Math.max(maxRadius, Math.hypot(xy[2 * i], xy[2 * i + 1]));
        }
        // t reaches 4.5π ≈ 14.1, divided by 5.
        assertEquals(4.5 * Math.PI / 5, maxRadius, 0.25);
    }
}
