package dev.gantry.training.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The 2D swiss roll as scikit-learn's {@code make_swiss_roll} draws it, keeping (x, z): t =
 * 1.5π(1 + 2u), u ~ U(0, 1), point = (t cos t, t sin t) + N(0, 0.25²), all divided by 5 so it
 * spans about ±3. It has no modes, so mode coverage is not defined for it.
 */
public final class SwissRoll implements SyntheticDataset {

    private static final double NOISE = 0.25;
    private static final double SCALE = 5.0;

    @Override
    public String name() {
        return "swissroll";
    }

    @Override
    public void sample(RandomGenerator rng, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * rng.nextDouble());
            out[2 * i] = (float) ((t * Math.cos(t) + NOISE * rng.nextGaussian()) / SCALE);
            out[2 * i + 1] = (float) ((t * Math.sin(t) + NOISE * rng.nextGaussian()) / SCALE);
        }
    }

    @Override
    public List<double[]> modes() {
        return List.of();
    }

    @Override
    public double sigma() {
        return Double.NaN;
    }

    @Override
    public Bounds bounds() {
        return new Bounds(-3.5, 3.5, -3.5, 3.5);
    }
}
