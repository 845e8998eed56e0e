package dev.gantry.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Equal-weight isotropic Gaussians. The two instances are exactly those of PacGAN (Lin et al.
 * 2018, "PacGAN: The power of two samples in generative adversarial networks", §5.1): {@link
 * #ring8()} and {@link #grid25()}.
 */
public final class GaussianMixture implements SyntheticDataset {

    private final String name;
    private final List<double[]> modes;
    private final double sigma;
    private final Bounds bounds;

    public GaussianMixture(String name, List<double[]> modes, double sigma, Bounds bounds) {
        this.name = name;
        this.modes = List.copyOf(modes);
        this.sigma = sigma;
        this.bounds = bounds;
    }

    /** 8 Gaussians evenly spaced on the unit circle, σ = 0.01. */
    public static GaussianMixture ring8() {
        List<double[]> modes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double angle = 2 * Math.PI * i / 8;
            modes.add(new double[] {Math.cos(angle), Math.sin(angle)});
        }
        return new GaussianMixture("ring8", modes, 0.01, new Bounds(-1.5, 1.5, -1.5, 1.5));
    }

    /** 25 Gaussians at {−4, −2, 0, 2, 4}², σ = 0.05. */
    public static GaussianMixture grid25() {
        List<double[]> modes = new ArrayList<>();
        for (int i = -2; i <= 2; i++) {
            for (int j = -2; j <= 2; j++) {
                modes.add(new double[] {2.0 * i, 2.0 * j});
            }
        }
        return new GaussianMixture("grid25", modes, 0.05, new Bounds(-5.5, 5.5, -5.5, 5.5));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sample(RandomGenerator rng, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            double[] mode = modes.get(rng.nextInt(modes.size()));
            out[2 * i] = (float) (mode[0] + sigma * rng.nextGaussian());
            out[2 * i + 1] = (float) (mode[1] + sigma * rng.nextGaussian());
        }
    }

    @Override
    public List<double[]> modes() {
        return modes.stream().map(double[]::clone).toList();
    }

    @Override
    public double sigma() {
        return sigma;
    }

    @Override
    public Bounds bounds() {
        return bounds;
    }
}
