package dev.gantry.training.eval;

/**
 * A frozen network that turns images into feature vectors for FID, KID and precision/recall.
 * Users upload it (Inception's pool3 for FID as others report it); the worker loads it and hands
 * it to the run. What identifies it goes into every value's protocol, since values from another
 * network, output or resize are not comparable.
 */
public interface FeatureExtractor {

    /** SHA-256 of the network's bytes. */
    String networkSha256();

    /** The named output the features are taken at, e.g. {@code pool3}. */
    String output();

    /**
     * How the job's images are brought to the network's input, e.g. {@code bilinear 299x299} or
     * {@code none}.
     */
    String resize();

    /**
     * Features of {@code count} images.
     *
     * @param images count × C × H × W, row-major, values in [−1, 1] (C as the job's data)
     * @param sampleShape {C, H, W}
     * @return count × d values, row-major
     */
    float[] features(float[] images, int count, long[] sampleShape);
}
