package dev.gantry.training;

import ai.djl.ndarray.NDArray;
import dev.gantry.training.model.Network;
import dev.gantry.training.model.TensorData;
import java.util.Map;

/**
 * An exponential moving average of the generator's parameters (Yazıcı et al. 2019, "The
 * Unusual Effectiveness of Averaging in GAN Training"; Karras et al. 2018, ProGAN): after each
 * generator update θ_ema ← β·θ_ema + (1−β)·θ, starting from a copy of the generator. The
 * average is a network of its own that samples and evaluation use in place of the generator; it
 * is never trained.
 *
 * <p>Computed as {@code torch.optim.swa_utils.AveragedModel} with the avg_fn β·avg + (1−β)·θ
 * does, in float32: {@code EmaConformanceTest} compares it with PyTorch. Non-trainable state
 * (batch-norm running statistics) is averaged the same way, as {@code AveragedModel(use_buffers=True)}
 * does, so the statistics describe the averaged layers. Copying the generator's current
 * statistics instead paired old weights with new statistics: a conditional DCGAN's EMA samples
 * came out nearly black for the first thousands of steps.
 */
final class GeneratorEma {

    private final float decay;
    private final float complement;
    private final Network average;

    /**
     * @param average a fresh network of the generator's architecture; it becomes the average,
     *     starting at the current values of {@code generator}
     */
    GeneratorEma(double decay, Network generator, Network average) {
        this.decay = (float) decay;
        this.complement = (float) (1 - decay);
        this.average = average;
        average.setTrainable(false);
        average.load(generator.snapshot());
    }

    /** Folds the current values of {@code generator} into the average, in place. */
    void update(Network generator) {
        fold(average.parameters(), generator.parameters());
        fold(average.state(), generator.state());
    }

    private void fold(Map<String, NDArray> averages, Map<String, NDArray> current) {
        for (Map.Entry<String, NDArray> e : averages.entrySet()) {
            NDArray avg = e.getValue();
            avg.muli(decay);
            try (NDArray weighted = current.get(e.getKey()).mul(complement)) {
                avg.addi(weighted);
            }
        }
    }

    Network network() {
        return average;
    }

    Map<String, TensorData> snapshot() {
        return average.snapshot();
    }

    /** @throws IllegalArgumentException naming the first parameter that does not fit */
    void load(Map<String, TensorData> values) {
        average.load(values);
    }
}
