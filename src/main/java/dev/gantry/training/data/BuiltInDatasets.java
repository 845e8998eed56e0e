package dev.gantry.training.data;

import java.util.List;
import java.util.Optional;

/**
 * The datasets every installation has, generated in code from fixed seeds so that demos and tests
 * need no download. No DJL here: the API lists them and renders their previews.
 */
public final class BuiltInDatasets {

    /** What a sample of the set is: a point of the plane or an image. */
    public enum Kind {
        POINTS,
        IMAGES
    }

    /**
     * @param channels 1 or 3 for images, 0 for points
     * @param classNames empty when the set has no labels
     */
    public record Info(
            String name,
            Kind kind,
            String description,
            int count,
            int channels,
            int height,
            int width,
            List<String> classNames) {}

    private static final List<Info> ALL = List.of(
            new Info("ring8", Kind.POINTS, "8 Gaussians on the unit circle, σ 0.01 (PacGAN)", 0, 0, 0, 0, List.of()),
            new Info("grid25", Kind.POINTS, "25 Gaussians at {−4,−2,0,2,4}², σ 0.05 (PacGAN)", 0, 0, 0, 0, List.of()),
            new Info("swissroll", Kind.POINTS, "the 2-D swiss roll of scikit-learn", 0, 0, 0, 0, List.of()));

    private BuiltInDatasets() {}

    public static List<Info> all() {
        return ALL;
    }

    public static Optional<Info> find(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * The images of a built-in image set, the same bytes on every call and every machine.
     *
     * @throws IllegalArgumentException when {@code name} is not a built-in image set
     */
    public static ImageTensor images(String name) {
        throw new IllegalArgumentException("no built-in image dataset named " + name);
    }
}
