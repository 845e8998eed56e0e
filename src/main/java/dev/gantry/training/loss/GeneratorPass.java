package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.gantry.training.model.Activations;
import dev.gantry.training.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What one generator step computed, handed to every term.
 *
 * @param fakeFeatures the discriminator's tapped features on the fake batch, first layer first
 * @param real a real batch, or {@code null} unless the objective asked for it
 * @param realLogits D(real), or {@code null} unless the objective asked for it
 * @param realFeatures features on the real batch, or {@code null} with {@code real}
 * @param generator the network this step trains
 * @param discriminator frozen during this step: gradients flow through it to the generator only
 * @param random the step's generator
 * @param generated the generator's output as it came out, before any augmentation or noise that
 *     D's view {@code fake} went through: what paired terms compare
 * @param target the real sample paired with each generated one, as stored (no augmentation or
 *     noise), or {@code null} without {@code real}; in super-resolution, output i's own target
 */
public record GeneratorPass(
        NDArray fake,
        NDArray fakeLogits,
        List<NDArray> fakeFeatures,
        NDArray real,
        NDArray realLogits,
        List<NDArray> realFeatures,
        Network generator,
        Network discriminator,
        RandomGenerator random,
        NDArray generated,
        NDArray target) {

    /** The same pass with the generator's raw output and the raw real batch for paired terms. */
    public GeneratorPass paired(NDArray rawGenerated, NDArray rawTarget) {
        return new GeneratorPass(
                fake,
                fakeLogits,
                fakeFeatures,
                real,
                realLogits,
                realFeatures,
                generator,
                discriminator,
                random,
                rawGenerated,
                rawTarget);
    }

    public static GeneratorPass of(
            Network generator, Network discriminator, NDArray fake, NDArray real, RandomGenerator random) {
        return of(generator, discriminator, fake, null, real, null, random);
    }

    /**
     * Runs the discriminator once, over real and fake together when {@code real} is given and D
     * keeps no batch statistics (see {@link DiscriminatorPass#of}), keeping its features for
     * feature-based terms.
     */
    public static GeneratorPass of(
            Network generator,
            Network discriminator,
            NDArray fake,
            NDArray fakeLabels,
            NDArray real,
            NDArray realLabels,
            RandomGenerator random) {
        if (real == null) {
            Activations a = discriminator.forwardWithFeatures(fake, fakeLabels);
            return new GeneratorPass(
                    fake, a.output(), a.hidden(), null, null, null, generator, discriminator, random, fake, null);
        }
        if (discriminator.batchStatistics()) {
            Activations r = discriminator.forwardWithFeatures(real, realLabels);
            Activations f = discriminator.forwardWithFeatures(fake, fakeLabels);
            return new GeneratorPass(
                    fake,
                    f.output(),
                    f.hidden(),
                    real,
                    r.output(),
                    r.hidden(),
                    generator,
                    discriminator,
                    random,
                    fake,
                    real);
        }
        Activations a = discriminator.forwardWithFeatures(
                real.concat(fake, 0), DiscriminatorPass.concat(realLabels, fakeLabels));
        List<NDArray> realFeatures = new ArrayList<>();
        List<NDArray> fakeFeatures = new ArrayList<>();
        for (NDArray h : a.hidden()) {
            NDList halves = h.split(2, 0);
            realFeatures.add(halves.get(0));
            fakeFeatures.add(halves.get(1));
        }
        NDList logits = a.output().split(2, 0);
        return new GeneratorPass(
                fake,
                logits.get(1),
                fakeFeatures,
                real,
                logits.get(0),
                realFeatures,
                generator,
                discriminator,
                random,
                fake,
                real);
    }
}
