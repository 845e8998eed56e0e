package dev.gantry.training.eval;

import java.util.SplittableRandom;

/**
 * A stand-in for an uploaded feature network, until the uploaded TorchScript ones plug in: each
 * channel area-pooled to 8 × 8 (the coarse layout of the image), then 32 fixed random tanh
 * features of that layout. Deterministic and cheap; it sees structure, so a generator that draws
 * digit-like images gets closer to real digits in it, as in a pretrained network. Not a substitute
 * for Inception: its values are not FID as papers report it.
 */
public final class StandInFeatures implements FeatureExtractor {

    static final int POOLED = 8;
    static final int RANDOM_FEATURES = 32;

    private final String sha256;
    private int calls;
    private int images;

    public StandInFeatures() {
        this("stand-in-pool8-tanh32");
    }

    /** @param sha256 what the protocol records as the network's hash */
    public StandInFeatures(String sha256) {
        this.sha256 = sha256;
    }

    @Override
    public String networkSha256() {
        return sha256;
    }

    @Override
    public String output() {
        return "pool8+tanh32";
    }

    @Override
    public String resize() {
        return "area 8x8";
    }

    int calls() {
        return calls;
    }

    public int images() {
        return images;
    }

    @Override
    public float[] features(float[] pixels, int count, long[] shape) {
        calls++;
        images += count;
        int c = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        int pooledSize = c * POOLED * POOLED;
        int d = pooledSize + RANDOM_FEATURES;
        float[][] projection = projection(pooledSize);
        float[] out = new float[count * d];
        int bh = h / POOLED;
        int bw = w / POOLED;
        for (int n = 0; n < count; n++) {
            float[] pooled = new float[pooledSize];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < POOLED; y++) {
                    for (int x = 0; x < POOLED; x++) {
                        double sum = 0;
                        for (int dy = 0; dy < bh; dy++) {
                            for (int dx = 0; dx < bw; dx++) {
                                sum += pixels[((n * c + ch) * h + y * bh + dy) * w + x * bw + dx];
                            }
                        }
                        pooled[(ch * POOLED + y) * POOLED + x] = (float) (sum / (bh * bw));
                    }
                }
            }
            System.arraycopy(pooled, 0, out, n * d, pooledSize);
            for (int f = 0; f < RANDOM_FEATURES; f++) {
                double s = 0;
                for (int i = 0; i < pooledSize; i++) {
                    s += projection[f][i] * pooled[i];
                }
                out[n * d + pooledSize + f] = (float) Math.tanh(s);
            }
        }
        return out;
    }

    private static float[][] projection(int inputs) {
        SplittableRandom random = new SplittableRandom(8);
        float[][] p = new float[RANDOM_FEATURES][inputs];
        for (float[] row : p) {
            for (int i = 0; i < inputs; i++) {
                row[i] = (float) (random.nextGaussian() / Math.sqrt(inputs));
            }
        }
        return p;
    }
}
