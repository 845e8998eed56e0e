package dev.gantry.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FID, KID, precision and recall against {@code scripts/eval/metrics_golden.py} (mpmath at 50
 * digits for FID, numpy's kernel matrices for KID, scipy's cdist for precision/recall) on fixed
 * feature matrices: correlated Gaussians, an ill-conditioned covariance (condition ~1e14), a
 * rank-deficient one (fewer samples than dimensions), two identical sets, and exact ties (features
 * on a 1/16 grid, two reference samples copied five times each by the generator), where
 * precision/recall's {@code dist <= radius} differs from {@code <}.
 */
class MetricsGoldenTest {

    /**
     * FID: |Java − truth| ≤ 1e-9 · (1 + truth). The covariances are rounded in double on both sides
     * and tr √ is not Lipschitz near zero eigenvalues; measured 4.9e-10 at worst (ill-conditioned), against 1.5e-7 and
     * 4.6e-7 for pytorch-fid's sqrtm of the non-symmetric product on the two hard cases.
     */
    static final double FID_TOLERANCE = 1e-9;

    static final double KID_TOLERANCE = 1e-10;

    static Stream<JsonObject> cases() throws IOException {
        return GoldenFiles.cases(GoldenFiles.read("metrics-golden.json", "metrics_golden.py"), 5).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fid_matches_a_50_digit_reference(JsonObject c) {
        FeatureMatrix real = matrix(c.getAsJsonArray("real"));
        FeatureMatrix fake = matrix(c.getAsJsonArray("fake"));
        double truth = c.get("fid").getAsDouble();
        double fid = FrechetDistance.of(FeatureMoments.of(real), FeatureMoments.of(fake));
        assertThat(fid).as(name(c)).isCloseTo(truth, within(FID_TOLERANCE * (1 + Math.abs(truth))));
        // The reference prepared once gives the same value as the one-shot form.
        double prepared =
                FrechetDistance.of(FrechetDistance.Reference.of(FeatureMoments.of(real)), FeatureMoments.of(fake));
        assertThat(prepared).isEqualTo(fid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kid_matches_numpy_on_the_same_subsets(JsonObject c) {
        FeatureMatrix real = matrix(c.getAsJsonArray("real"));
        FeatureMatrix fake = matrix(c.getAsJsonArray("fake"));
        KernelDistance.Result kid = KernelDistance.of(
                real, fake, indices(c.getAsJsonArray("kidSubsetsReal")), indices(c.getAsJsonArray("kidSubsetsFake")));
        JsonArray values = c.getAsJsonArray("kidValues");
        assertThat(kid.values()).hasSize(values.size());
        for (int s = 0; s < values.size(); s++) {
            double expected = values.get(s).getAsDouble();
            assertThat(kid.values()[s])
                    .as("%s subset %d", name(c), s)
                    .isCloseTo(expected, within(KID_TOLERANCE * (1 + Math.abs(expected))));
        }
        double mean = c.get("kid").getAsDouble();
        double std = c.get("kidStd").getAsDouble();
        assertThat(kid.mean()).isCloseTo(mean, within(KID_TOLERANCE * (1 + Math.abs(mean))));
        assertThat(kid.std()).isCloseTo(std, within(KID_TOLERANCE * (1 + std)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void precision_and_recall_match_scipy_exactly(JsonObject c) {
        FeatureMatrix real = matrix(c.getAsJsonArray("real"));
        FeatureMatrix fake = matrix(c.getAsJsonArray("fake"));
        PrecisionRecall.Result pr = PrecisionRecall.of(real, fake, c.get("k").getAsInt());
        assertThat(PrecisionRecall.DEFAULT_K)
                .as("the k evaluations use is the reference's (the paper's)")
                .isEqualTo(c.get("k").getAsInt());
        assertThat(pr.precision()).as(name(c)).isEqualTo(c.get("precision").getAsDouble());
        assertThat(pr.recall()).as(name(c)).isEqualTo(c.get("recall").getAsDouble());
    }

    /** The path the training loop takes: the reference's sums and radii cached, then compared. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_cached_reference_compares_as_the_direct_forms(JsonObject c) {
        FeatureMatrix real = matrix(c.getAsJsonArray("real"));
        FeatureMatrix fake = matrix(c.getAsJsonArray("fake"));
        int k = c.get("k").getAsInt();
        ReferenceFeatures reference =
                ReferenceFeatures.decode(ReferenceFeatures.of(real, k, indices(c.getAsJsonArray("kidSubsetsReal")))
                        .encode());
        ReferenceFeatures.Comparison got = reference.compare(fake, k, indices(c.getAsJsonArray("kidSubsetsFake")));
        double fid = c.get("fid").getAsDouble();
        assertThat(got.fid()).isCloseTo(fid, within(FID_TOLERANCE * (1 + fid)));
        double kid = c.get("kid").getAsDouble();
        assertThat(got.kid().mean()).isCloseTo(kid, within(KID_TOLERANCE * (1 + Math.abs(kid))));
        assertThat(got.precisionRecall().precision())
                .isEqualTo(c.get("precision").getAsDouble());
        assertThat(got.precisionRecall().recall()).isEqualTo(c.get("recall").getAsDouble());
    }

    private static String name(JsonObject c) {
        return c.get("name").getAsString();
    }

    static FeatureMatrix matrix(JsonArray rows) {
        int n = rows.size();
        int d = rows.get(0).getAsJsonArray().size();
        double[] values = new double[n * d];
        for (int i = 0; i < n; i++) {
            JsonArray row = rows.get(i).getAsJsonArray();
            for (int j = 0; j < d; j++) {
                values[i * d + j] = row.get(j).getAsDouble();
            }
        }
        return new FeatureMatrix(n, d, values);
    }

    static int[][] indices(JsonArray subsets) {
        int[][] out = new int[subsets.size()][];
        for (int s = 0; s < out.length; s++) {
            JsonArray subset = subsets.get(s).getAsJsonArray();
            out[s] = new int[subset.size()];
            for (int i = 0; i < out[s].length; i++) {
                out[s][i] = subset.get(i).getAsInt();
            }
        }
        return out;
    }
}
