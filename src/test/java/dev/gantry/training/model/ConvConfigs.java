package dev.gantry.training.model;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.data.Datasets;
import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Image runs for tests and benchmarks of the convolutional architectures, on random pixels. */
public final class ConvConfigs {

    /** DCGAN's Adam: 2e-4, β = (0.5, 0.999) (Radford et al. 2016). */
    public static final OptimizerConfig DCGAN_ADAM = new OptimizerConfig("adam", 2e-4, 0.5, 0.999, "constant", 0);

    private ConvConfigs() {}

    /** {@code count} images of uniformly random pixels, labelled round robin when {@code classes > 0}. */
    public static ImageTensor randomImages(int count, int channels, int side, int classes, long seed) {
        byte[] pixels = new byte[count * channels * side * side];
        new SplittableRandom(seed).nextBytes(pixels);
        int[] labels = null;
        List<String> names = new ArrayList<>();
        if (classes > 0) {
            labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = i % classes;
            }
            for (int c = 0; c < classes; c++) {
                names.add("class" + c);
            }
        }
        return new ImageTensor(count, channels, side, side, pixels, labels, names);
    }

    public static TrainingData data(TrainingConfig config, int count, int classes) {
        DataConfig d = config.data();
        return Datasets.images(randomImages(count, d.channels(), d.resolution(), classes, 1), d);
    }

    public static LossConfig loss(String adversarial, TermConfig... terms) {
        return new LossConfig(adversarial, 0, List.of(terms));
    }

    /** One D step per G step, no checkpoints, samples or moving average before the end. */
    public static TrainingConfig config(
            DataConfig data, ModelConfig model, LossConfig loss, int steps, int batch, long seed) {
        return config(data, model, loss, steps, batch, seed, 0, 0, 0);
    }

    /** The same with checkpoints and sample grids every so many steps and a generator EMA. */
    public static TrainingConfig config(
            DataConfig data,
            ModelConfig model,
            LossConfig loss,
            int steps,
            int batch,
            long seed,
            int checkpointEvery,
            int sampleEvery,
            double emaDecay) {
        return new TrainingConfig(
                data,
                model,
                loss,
                DCGAN_ADAM,
                DCGAN_ADAM,
                steps,
                batch,
                1,
                seed,
                checkpointEvery,
                0,
                64,
                sampleEvery,
                emaDecay,
                0);
    }
}
