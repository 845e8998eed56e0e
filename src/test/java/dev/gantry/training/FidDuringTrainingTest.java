package dev.gantry.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.eval.EvaluationProtocol;
import dev.gantry.training.eval.EvaluationSetup;
import dev.gantry.training.eval.FeatureExtractor;
import dev.gantry.training.eval.ImageEvaluator;
import dev.gantry.training.eval.ReferenceCache;
import dev.gantry.training.eval.StandInFeatures;
import dev.gantry.training.features.FeatureNetwork;
import dev.gantry.training.features.FeatureNetworkExtractor;
import dev.gantry.training.features.FeatureNetworks;
import dev.gantry.training.features.TestFeatureNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * FID, KID and precision/recall measured in the training loop of a DCGAN on the built-in digits,
 * with the stand-in feature network and with the committed TorchScript pooled network as an upload
 * reaches a run: FID falls from the first evaluation to the last, and the real side's features are
 * computed once for the whole run.
 */
class FidDuringTrainingTest {

    static final int STEPS = 600;
    static final int EVERY = 150;
    static final int SAMPLES = 500;

    @Test
    void fid_goes_down_as_a_dcgan_learns_the_digits() {
        StandInFeatures network = new StandInFeatures();
        Run run = train(network);
        assertThat(run.cachePuts()).as("the reference features, once per run").isEqualTo(1);
        assertThat(network.images())
                .as("500 real images once, 500 generated per evaluation")
                .isEqualTo(5 * SAMPLES);
        assertThat(run.protocols()).allSatisfy(p -> {
            assertThat(p.featureNetworkSha256()).isEqualTo("stand-in-pool8-tanh32");
            assertThat(p.generated()).isEqualTo(SAMPLES);
            assertThat(p.referenceCount()).isEqualTo(SAMPLES);
            assertThat(p.imageFormat()).isEqualTo("uint8 1x32x32");
        });
    }

    /** The same on an uploaded-form TorchScript network, as a worker hands it to the run. */
    @Test
    void fid_goes_down_on_an_uploaded_torchscript_network_too() {
        FeatureNetworks.Loaded pooled = TestFeatureNetworks.pooledTiny();
        try (FeatureNetwork module = pooled.network()) {
            Run run = train(new FeatureNetworkExtractor(module, pooled.info(), "pool"));
            assertThat(run.protocols()).allSatisfy(p -> {
                assertThat(p.featureNetworkSha256()).isEqualTo("sha-pooled_tiny");
                assertThat(p.featureOutput()).isEqualTo("pool");
                assertThat(p.resize()).isEqualTo("bilinear 48x48");
            });
        }
    }

    record Run(Map<Long, Map<String, Double>> evaluations, List<EvaluationProtocol> protocols, int cachePuts) {}

    /** Trains, prints each evaluation, and checks that FID fell by 30 % from the first to the last. */
    private static Run train(FeatureExtractor network) {
        OptimizerConfig adam = new OptimizerConfig("adam", 2e-4, 0.5, 0.999, "constant", 0);
        TrainingConfig config = new TrainingConfig(
                        new DataConfig("digits", 32, 1),
                        new ModelConfig("dcgan", 32, 0, 0, 16, false, false, "batch"),
                        new LossConfig("non-saturating", 0, List.of()),
                        adam,
                        adam,
                        STEPS,
                        64,
                        1,
                        7,
                        STEPS,
                        EVERY,
                        SAMPLES,
                        STEPS,
                        0,
                        0)
                .toBuilder().augment(AugmentConfig.OFF).build();
        Map<Long, Map<String, Double>> evaluations = new TreeMap<>();
        List<EvaluationProtocol> protocols = new ArrayList<>();
        int[] cachePuts = {0};
        long started = System.nanoTime();
        GanTraining.run(
                config,
                dev.gantry.training.data.Datasets.builtIn(config.data()),
                null,
                new TrainingListener() {
                    @Override
                    public void onEvaluation(
                            long step,
                            Map<String, Double> metrics,
                            Map<String, EvaluationProtocol> byName,
                            byte[] png) {
                        if (!metrics.isEmpty()) {
                            evaluations.put(step, metrics);
                            protocols.add(byName.get(ImageEvaluator.FID));
                        }
                    }
                },
                new EvaluationSetup(network, new ReferenceCache() {
                    @Override
                    public Optional<byte[]> get(String key) {
                        return Optional.empty();
                    }

                    @Override
                    public void put(String key, byte[] bytes) {
                        cachePuts[0]++;
                    }
                }));
        double seconds = (System.nanoTime() - started) / 1e9;
        evaluations.forEach((step, m) -> System.out.printf(
                "step %4d  fid %8.3f  kid %.4f ± %.4f  precision %.3f  recall %.3f  pixel-mean-gap %.2f%n",
                step,
                m.get(ImageEvaluator.FID),
                m.get(ImageEvaluator.KID),
                m.get(ImageEvaluator.KID_STD),
                m.get(ImageEvaluator.PRECISION),
                m.get(ImageEvaluator.RECALL),
                m.get(ImageEvaluator.PIXEL_MEAN_GAP)));
        System.out.printf(
                "%d steps with %d evaluations of %d samples: %.0f s%n", STEPS, evaluations.size(), SAMPLES, seconds);

        assertThat(evaluations.keySet()).containsExactly(150L, 300L, 450L, 600L);
        double first = evaluations.get(150L).get(ImageEvaluator.FID);
        double last = evaluations.get(600L).get(ImageEvaluator.FID);
        assertThat(last).as("FID at the last evaluation against the first").isLessThan(0.7 * first);
        return new Run(evaluations, protocols, cachePuts[0]);
    }
}
