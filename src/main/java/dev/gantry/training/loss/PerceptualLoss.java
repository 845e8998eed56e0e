package dev.gantry.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.gantry.training.features.FeatureNetwork;
import java.util.Map;

/**
 * The perceptual loss of Johnson et al. 2016 ("Perceptual Losses for Real-Time Style Transfer and
 * Super-Resolution") on an uploaded pretrained feature network φ (VGG19's ReLU taps, typically):
 * the generator's output i against its target i ({@link GeneratorPass#generated}, {@link
 * GeneratorPass#target}: the high-resolution original in super-resolution, real row i otherwise),
 * compared in φ's named outputs l with weights w_l,
 *
 * <pre>
 * L_G = Σ_l w_l · D(φ_l(G(z)), φ_l(x))
 * D   = mean over samples and values of (a − b)²   (distance mse: eq. 2, feature reconstruction)
 *       or of |a − b|                              (distance l1)
 * </pre>
 *
 * With {@code gram} the outputs are replaced by their Gram matrices G_l = F_l F_lᵀ / (C_l H_l W_l),
 * F_l the (C_l, H_l·W_l) feature map of one image (eq. 3–4, the style reconstruction loss; Johnson
 * et al. take the squared Frobenius norm, which is C_l² times the mse here: the weights absorb it).
 *
 * <p>φ is frozen: its parameters take no gradient; the generated images' gradient flows through it
 * into the generator (the discriminator is frozen in the generator step). Images reach φ as its
 * descriptor says ({@link FeatureNetwork#input}: grayscale repeated to three channels, range,
 * resize, mean/std). Generated and real images go through φ as one batch: φ is validated to be the
 * same in training and evaluation mode, so nothing in it mixes the batch.
 */
public final class PerceptualLoss implements LossTerm {

    private final FeatureNetwork network;
    private final Map<String, Double> layers;
    private final boolean l1;
    private final boolean gram;

    /**
     * @param layers output name → weight, as validated by the catalog (known outputs, weights ≥ 0)
     * @param distance {@code mse} or {@code l1}
     */
    public PerceptualLoss(FeatureNetwork network, Map<String, Double> layers, String distance, boolean gram) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("layers must name at least one output");
        }
        if (!distance.equals("mse") && !distance.equals("l1")) {
            throw new IllegalArgumentException("distance must be mse or l1, got " + distance);
        }
        this.network = network;
        // In the order given: Map.copyOf's order changes from one JVM to the next, and with it the
        // rounding of the sum, which would break a bitwise resume in another process.
        this.layers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(layers));
        this.l1 = distance.equals("l1");
        this.gram = gram;
    }

    @Override
    public String name() {
        return "perceptual";
    }

    @Override
    public NDArray generatorLoss(GeneratorPass pass) {
        long n = pass.generated().getShape().get(0);
        Map<String, NDArray> features = network.features(pass.generated().concat(pass.target(), 0), layers.keySet());
        NDArray total = null;
        for (Map.Entry<String, Double> layer : layers.entrySet()) {
            NDArray both = features.get(layer.getKey());
            if (gram) {
                both = gram(both);
            }
            NDList halves = both.split(new long[] {n}, 0);
            NDArray diff = halves.get(0).sub(halves.get(1));
            NDArray d = (l1 ? diff.abs() : diff.square()).mean();
            NDArray weighted = layer.getValue() == 1.0 ? d : Scalars.times(d, layer.getValue());
            total = total == null ? weighted : total.add(weighted);
        }
        return total;
    }

    /** F Fᵀ / (C·H·W) per image, F the (C, H·W) map. */
    static NDArray gram(NDArray maps) {
        Shape s = maps.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("a Gram matrix needs (N, C, H, W) feature maps, got " + s);
        }
        NDArray f = maps.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
        NDArray g = f.matMul(f.transpose(0, 2, 1));
        return Scalars.times(g, 1.0 / (s.get(1) * s.get(2) * s.get(3)));
    }

    @Override
    public boolean generatorNeedsRealBatch() {
        return true;
    }
}
