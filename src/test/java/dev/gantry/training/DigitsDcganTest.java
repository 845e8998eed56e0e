package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.ImageFitting;
import dev.gantry.training.data.ImageTensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DCGAN learns the built-in digits in a couple of CPU minutes. The judge is a classifier trained
 * here on the real images: the generator's samples must be classified about as confidently as
 * held-out real digits, every class must be drawn, and they must lie as close to their class's
 * mean image as real digits do. The untrained generator fails the same judge, which shows that the
 * judge can fail.
 */
class DigitsDcganTest {

    static final int STEPS = Integer.getInteger("gantry.digits.steps", 2000);
    static final int SAMPLES = 1000;

    @Test
    void a_dcgan_draws_every_digit_and_the_digits_look_real_to_a_classifier() throws Exception {
        ImageTensor real = ImageFitting.fit(BuiltInDatasets.images("digits"), 32, 1);
        DigitJudge judge = DigitJudge.train(real, 8000);
        System.out.println("judge on held-out real digits: " + judge.assess(judge.heldOut()));

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
                        0,
                        64,
                        0,
                        0,
                        0)
                .toBuilder().augment(AugmentConfig.OFF).build();
        RecordingListener run = new RecordingListener();
        long started = System.nanoTime();
        GanTraining.run(config, null, run);
        double seconds = (System.nanoTime() - started) / 1e9;

        float[] samples = GeneratorSampler.sample(config, run.checkpoints.get((long) STEPS), SAMPLES, 5, null)
                .values();
        DigitJudge.Verdict trained = judge.assess(samples);
        java.nio.file.Files.write(
                java.nio.file.Path.of("target", "digits-dcgan-" + STEPS + ".png"),
                dev.gantry.training.eval.ImageGrid.png(Arrays.copyOf(samples, 64 * 32 * 32), 64, 1, 32, 32, 8));
        System.out.printf(
                "DCGAN after %d steps (%.0f s, %.1f steps/s): %s%n", STEPS, seconds, STEPS / seconds, trained);
        DigitJudge.Verdict untrained = judge.assess(untrained(config));
        System.out.println("untrained generator: " + untrained);

        DigitJudge.Verdict realDigits = judge.assess(judge.heldOut());
        assertTrue(trained.passes(realDigits), "trained: " + trained + " against real " + realDigits);
        assertTrue(!untrained.passes(realDigits), "the judge must fail an untrained generator: " + untrained);
    }

    /** Samples of the generator as initialised: the run's config for one step, before the step. */
    private static float[] untrained(TrainingConfig config) {
        RecordingListener none = new RecordingListener(step -> true);
        GanTraining.run(config, null, none);
        return GeneratorSampler.sample(config, none.checkpoints.get(0L), SAMPLES, 5, null)
                .values();
    }
}
