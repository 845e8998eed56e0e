package dev.gantry.training.data;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

    static final int DIGITS_COUNT = 10_000;
    static final long DIGITS_SEED = 0x4469_6769_7473L;

    static final int SHAPES_COUNT = 10_000;
    static final long SHAPES_SEED = 0x5368_6170_6573L;

    private static final List<Info> ALL = List.of(
            new Info("ring8", Kind.POINTS, "8 Gaussians on the unit circle, σ 0.01 (PacGAN)", 0, 0, 0, 0, List.of()),
            new Info("grid25", Kind.POINTS, "25 Gaussians at {−4,−2,0,2,4}², σ 0.05 (PacGAN)", 0, 0, 0, 0, List.of()),
            new Info("swissroll", Kind.POINTS, "the 2-D swiss roll of scikit-learn", 0, 0, 0, 0, List.of()),
            new Info(
                    "digits",
                    Kind.IMAGES,
                    "MNIST-like handwritten digits, white on black, drawn from pen strokes under random affine"
                            + " jitter and pen width",
                    DIGITS_COUNT,
                    1,
                    DigitImages.SIZE,
                    DigitImages.SIZE,
                    DigitImages.CLASSES),
            new Info(
                    "shapes",
                    Kind.IMAGES,
                    "coloured shapes (circle, square, triangle, star, cross, ring, frame, crescent) of random size,"
                            + " position and rotation on textured backgrounds",
                    SHAPES_COUNT,
                    3,
                    ShapeImages.SIZE,
                    ShapeImages.SIZE,
                    ShapeImages.CLASSES));

    /** Generated once per process: a second call is free. */
    private static final Map<String, ImageTensor> IMAGES = new ConcurrentHashMap<>();

    private BuiltInDatasets() {}

    public static List<Info> all() {
        return ALL;
    }

    public static Optional<Info> find(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * The images of a built-in image set, the same bytes on every call and every machine. The
     * first call of a process generates the set (well under a second); later calls return the same
     * instance, so callers must not write into its arrays.
     *
     * @throws IllegalArgumentException when {@code name} is not a built-in image set
     */
    public static ImageTensor images(String name) {
        return IMAGES.computeIfAbsent(name, BuiltInDatasets::generate);
    }

    private static ImageTensor generate(String name) {
        return switch (name) {
            case "digits" -> DigitImages.generate(DIGITS_COUNT, DIGITS_SEED);
            case "shapes" -> ShapeImages.generate(SHAPES_COUNT, SHAPES_SEED);
            default -> throw new IllegalArgumentException("no built-in image dataset named " + name);
        };
    }
}
