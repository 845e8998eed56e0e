package dev.gantry.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.training.data.GaussianMixture;
import org.junit.jupiter.api.Test;

class ModeCoverageTest {

    private final GaussianMixture grid = GaussianMixture.grid25();

    @Test
    void a_mode_is_captured_only_by_a_point_within_three_sigma_of_it() {
        // 3σ = 0.15 on the grid.
        float[] points = {
            0.10f, 0.10f, // |d| = 0.141 from (0, 0): high quality, captures (0, 0)
            0.12f, 0.10f, // |d| = 0.156 from (0, 0): not high quality
            2.0f, -4.0f, // exactly on (2, −4): captures it
            1.0f, 1.0f, // between four modes: not high quality, captures nothing
            4.0f, 3.86f, // |d| = 0.14 from (4, 4): captures it
            0.0f, 0.05f, // second hit on (0, 0): counted once
        };
        ModeCoverage c = ModeCoverage.of(points, grid.modes(), grid.sigma());
        assertEquals(3, c.modesCaptured());
        assertEquals(25, c.modeCount());
        assertEquals(4.0 / 6.0, c.highQualityFraction(), 1e-12);
    }

    @Test
    void points_assigned_to_a_mode_but_far_from_it_capture_nothing() {
        GaussianMixture ring = GaussianMixture.ring8();
        // Every point's nearest mode is (1, 0) but all are beyond 3σ = 0.03.
        float[] points = {1.05f, 0f, 0.9f, 0f, 1.0f, 0.04f};
        ModeCoverage c = ModeCoverage.of(points, ring.modes(), ring.sigma());
        assertEquals(0, c.modesCaptured());
        assertEquals(0.0, c.highQualityFraction());
    }

    @Test
    void real_data_scores_all_modes_and_nearly_all_high_quality() {
        float[] points = new float[2 * 2500];
        grid.sample(new java.util.SplittableRandom(3), 2500, points);
        ModeCoverage c = ModeCoverage.of(points, grid.modes(), grid.sigma());
        assertEquals(25, c.modesCaptured());
        // A 2D standard normal lies within radius 3 with probability 1 − e^{−4.5} ≈ 0.989.
        assertEquals(0.989, c.highQualityFraction(), 0.01);
    }

    @Test
    void nan_points_are_never_high_quality() {
        float[] points = {Float.NaN, Float.NaN, 0f, 0f};
        ModeCoverage c = ModeCoverage.of(points, grid.modes(), grid.sigma());
        assertEquals(1, c.modesCaptured());
        assertEquals(0.5, c.highQualityFraction());
    }
}
