package dev.gantry.training.eval;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an {@code eval/*} value was measured. Two values are comparable only under equal protocols:
 * the resize filter alone moves FID by several points, and so do the sample count and the
 * reference set.
 *
 * @param featureNetworkSha256 the feature network's bytes; {@code null} for metrics without one
 * @param featureOutput the network's output the features come from; {@code null} without one
 * @param resize how images reach the network ({@code none} when they do not need to)
 * @param generated samples generated for the value
 * @param referenceSplit which real data the reference is drawn from ({@code train}: the job's
 *     dataset as it trains on it; {@code modes}: a 2-D mixture's true modes)
 * @param referenceCount reference samples (or modes)
 * @param imageFormat what the generated samples are turned into before measuring, e.g. {@code
 *     uint8 3x32x32} (quantized as a PNG would be) or {@code float32 points}
 * @param parameters the metric's own settings (KID subsets and their size, k of the k-NN radii, σ
 *     multiples of mode coverage), sorted by name
 */
public record EvaluationProtocol(
        String featureNetworkSha256,
        String featureOutput,
        String resize,
        int generated,
        String referenceSplit,
        int referenceCount,
        String imageFormat,
        Map<String, Integer> parameters) {

    public EvaluationProtocol {
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }
}
