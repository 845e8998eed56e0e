package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import dev.gantry.training.model.Network;
import java.util.List;

/**
 * {@code perceptual-random}: a perceptual (feature reconstruction) loss after Johnson et al. 2016 ("Perceptual Losses for
 * Real-Time Style Transfer and Super-Resolution", eq. 2): the distance between generated row i and
 * real row i measured in the feature maps φ of a fixed network, summed over its first {@code
 * layers} layers,
 *
 * <pre>
 * L_G = Σ_l E[(φ_l(G(z)ᵢ) − φ_l(xᵢ))²]     mean over samples and all values of layer l
 * </pre>
 *
 * φ is a random network ({@code model.Architectures.features}: an MLP for points, strided
 * convolutions for images) built from the job's seed, never trained and not checkpointed: it is
 * rebuilt identically on resume. Random features make a weak but well-defined perceptual distance,
 * the only one there is for 2-D points; on images {@link PerceptualLoss} takes an uploaded pretrained
 * network instead. Samples are paired as in {@link ReconstructionLoss}. Named {@code perceptual}
 * until feature networks could be uploaded; stored specs were renamed by migration V7.
 */
public final class RandomPerceptualLoss implements LossTerm {

    private final Network features;
    private final int layers;

    public RandomPerceptualLoss(Network features, int layers) {
        if (layers < 1 || layers > features.featureLayers()) {
            throw new IllegalArgumentException(
                    "layers must be in [1, " + features.featureLayers() + "], got " + layers);
        }
        this.features = features;
        this.layers = layers;
    }

    @Override
    public String name() {
        return "perceptual-random";
    }

    @Override
    public NDArray generatorLoss(GeneratorPass pass) {
        List<NDArray> fake = features.features(pass.generated(), layers);
        List<NDArray> real = features.features(pass.target(), layers);
        NDArray total = fake.get(0).sub(real.get(0)).square().mean();
        for (int l = 1; l < layers; l++) {
            total = total.add(fake.get(l).sub(real.get(l)).square().mean());
        }
        return total;
    }

    @Override
    public boolean generatorNeedsRealBatch() {
        return true;
    }
}
