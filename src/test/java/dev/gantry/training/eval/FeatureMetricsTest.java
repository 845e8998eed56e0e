package dev.gantry.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The edges the golden feature matrices do not reach: ties, subset draws, a damaged cache entry. */
class FeatureMetricsTest {

    private static FeatureMatrix line(double... xs) {
        return new FeatureMatrix(xs.length, 1, xs.clone());
    }

    @Test
    void a_sample_exactly_on_a_ball_surface_is_inside() {
        // Real 0..4 on a line, k = 3: the ball of 0 has radius 3 (its neighbours 1, 2, 3), so −3 is on
        // its surface; no other ball reaches it.
        FeatureMatrix real = line(0, 1, 2, 3, 4);
        FeatureMatrix fake = line(-3, -3.5, 10, 11, 12);
        PrecisionRecall.Result pr = PrecisionRecall.of(real, fake, 3);
        assertThat(pr.precision()).isEqualTo(1.0 / 5);
        // Fake radii: −3 → 15 (its 3rd neighbour 12), −3.5 → 15.5; both reach every real sample.
        assertThat(pr.recall()).isEqualTo(1.0);
    }

    @Test
    void kid_subsets_are_distinct_rows_in_range_and_repeatable() {
        int[][] a = KernelDistance.drawSubsets(50, 7, 20, 42);
        int[][] b = KernelDistance.drawSubsets(50, 7, 20, 42);
        assertThat(a).isDeepEqualTo(b);
        for (int[] subset : a) {
            assertThat(Arrays.stream(subset).distinct().count()).isEqualTo(20);
            assertThat(Arrays.stream(subset).allMatch(i -> i >= 0 && i < 50)).isTrue();
        }
        assertThat(a[0]).isNotEqualTo(a[1]);
        assertThat(KernelDistance.drawSubsets(50, 7, 20, 43)).isNotEqualTo(a);
        assertThatThrownBy(() ->
                        KernelDistance.of(line(1, 2, 3), line(1, 2, 3), new int[][] {{0, 0}}, new int[][] {{0, 1}}))
                .hasMessageContaining("twice");
    }

    @Test
    void kid_of_one_subset_holding_everything_is_the_full_unbiased_mmd() {
        FeatureMatrix x = new FeatureMatrix(3, 2, new double[] {1, 0, 0, 1, 1, 1});
        FeatureMatrix y = new FeatureMatrix(3, 2, new double[] {2, 0, 0, 0, -1, 1});
        // By hand: k(a, b) = (a·b / 2 + 1)³.
        double kxx = 2 * (cube(1) + cube(1.5) + cube(1.5)); // pairs (0,1) (0,2) (1,2), both orders
        double kyy = 2 * (cube(1) + cube(0) + cube(1));
        double kxy = cube(2) + cube(1) + cube(0.5) + cube(1) + cube(1) + cube(1.5) + cube(2) + cube(1) + cube(1);
        double expected = (kxx + kyy) / 6 - 2 * kxy / 9;
        KernelDistance.Result kid = KernelDistance.of(x, y, new int[][] {{0, 1, 2}}, new int[][] {{2, 0, 1}});
        assertThat(kid.mean()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(kid.std()).isZero();
    }

    private static double cube(double v) {
        return v * v * v;
    }

    @Test
    void a_damaged_cache_entry_is_refused_not_used() {
        FeatureMatrix x = new FeatureMatrix(6, 2, new double[] {0, 0, 1, 0, 0, 1, 1, 1, 2, 1, 1, 2});
        byte[] bytes = ReferenceFeatures.of(x, 3, KernelDistance.drawSubsets(6, 2, 4, 1))
                .encode();
        assertThat(ReferenceFeatures.decode(bytes).count()).isEqualTo(6);
        byte[] flipped = bytes.clone();
        flipped[40] ^= 1;
        assertThatThrownBy(() -> ReferenceFeatures.decode(flipped)).hasMessageContaining("CRC");
        assertThatThrownBy(() -> ReferenceFeatures.decode(Arrays.copyOf(bytes, bytes.length - 9)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
