package dev.gantry.training.data;

import java.util.List;

/**
 * The built-in {@code shapes} set: 32×32 RGB images of one coloured shape (8 classes) of random
 * size, position and rotation on a textured background (a two-colour gradient, stripes or smooth
 * value noise, plus a little grain). The shape is anti-aliased by its signed distance d
 * ({@link ShapeOutlines}): coverage clamp(½ − d, 0, 1) blends shape over background. Its colour is
 * drawn until it stands out from the background's mean colour. Image i has label i mod 8 and its
 * own generator derived from (seed, i). Plain double arithmetic and {@link StrictMath}, so the bytes
 * are the same on every machine.
 */
final class ShapeImages {

    static final int SIZE = 32;
    static final List<String> CLASSES =
            List.of("circle", "square", "triangle", "star", "cross", "ring", "frame", "crescent");

    private static final int CHANNELS = 3;
    private static final int NOISE_CELLS = 4;
    private static final double MIN_COLOUR_DISTANCE = 0.5;

    private ShapeImages() {}

    static ImageTensor generate(int count, long seed) {
        int plane = SIZE * SIZE;
        byte[] pixels = new byte[count * CHANNELS * plane];
        int[] labels = new int[count];
        double[] rgb = new double[CHANNELS * plane];
        for (int i = 0; i < count; i++) {
            int shape = i % CLASSES.size();
            labels[i] = shape;
            SeededRandom rng = SeededRandom.forItem(seed, i);
            double[] mean = background(rng, rgb);
            draw(shape, rng, mean, rgb);
            int base = i * CHANNELS * plane;
            for (int k = 0; k < rgb.length; k++) {
                pixels[base + k] = (byte) Math.round(255 * Math.max(0, Math.min(1, rgb[k])));
            }
        }
        return new ImageTensor(count, CHANNELS, SIZE, SIZE, pixels, labels, CLASSES);
    }

    /** Fills {@code rgb} (channel planes, 0–1) with a texture; returns its mean colour. */
    private static double[] background(SeededRandom rng, double[] rgb) {
        double[] from = colour(rng);
        double[] to = new double[CHANNELS];
        for (int ch = 0; ch < CHANNELS; ch++) {
            // The second colour stays near the first: texture, not a second object.
            to[ch] = Math.max(0, Math.min(1, from[ch] + rng.uniform(-0.35, 0.35)));
        }
        int kind = rng.nextInt(3);
        double angle = rng.uniform(0, 2 * StrictMath.PI);
        double dx = StrictMath.cos(angle);
        double dy = StrictMath.sin(angle);
        double period = rng.uniform(4, 10);
        double phase = rng.uniform(0, 2 * StrictMath.PI);
        double[] lattice = new double[(NOISE_CELLS + 1) * (NOISE_CELLS + 1)];
        for (int k = 0; k < lattice.length; k++) {
            lattice[k] = rng.nextDouble();
        }
        double grain = rng.uniform(0, 0.04);
        double[] mean = new double[CHANNELS];
        int plane = SIZE * SIZE;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double x = c + 0.5 - SIZE / 2.0;
                double y = r + 0.5 - SIZE / 2.0;
                double along = x * dx + y * dy;
                double t = switch (kind) {
                    case 0 -> 0.5 + along / (SIZE * StrictMath.sqrt(2));
                    case 1 -> 0.5 + 0.5 * StrictMath.sin(2 * StrictMath.PI * along / period + phase);
                    default -> valueNoise(lattice, (c + 0.5) / SIZE * NOISE_CELLS, (r + 0.5) / SIZE * NOISE_CELLS);
                };
                for (int ch = 0; ch < CHANNELS; ch++) {
                    double v = from[ch] + (to[ch] - from[ch]) * t + rng.uniform(-grain, grain);
                    rgb[ch * plane + r * SIZE + c] = v;
                    mean[ch] += v / plane;
                }
            }
        }
        return mean;
    }

    /** Bilinear interpolation of a lattice of random values with smoothstep weights. */
    private static double valueNoise(double[] lattice, double x, double y) {
        int x0 = Math.min((int) x, NOISE_CELLS - 1);
        int y0 = Math.min((int) y, NOISE_CELLS - 1);
        double fx = smooth(x - x0);
        double fy = smooth(y - y0);
        int row = NOISE_CELLS + 1;
        double top = lattice[y0 * row + x0] * (1 - fx) + lattice[y0 * row + x0 + 1] * fx;
        double bottom = lattice[(y0 + 1) * row + x0] * (1 - fx) + lattice[(y0 + 1) * row + x0 + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double[] colour(SeededRandom rng) {
        return new double[] {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
    }

    private static void draw(int shape, SeededRandom rng, double[] background, double[] rgb) {
        double[] fill = colour(rng);
        // Bounded redraws keep the generator's draw count finite; the last colour stands in any case.
        for (int attempt = 0; attempt < 16 && distance(fill, background) < MIN_COLOUR_DISTANCE; attempt++) {
            fill = colour(rng);
        }
        double radius = rng.uniform(7, 12);
        double cx = SIZE / 2.0 + rng.uniform(-4, 4);
        double cy = SIZE / 2.0 + rng.uniform(-4, 4);
        double angle = rng.uniform(0, 2 * StrictMath.PI);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double thickness = radius * rng.uniform(0.22, 0.35);
        double shading = rng.uniform(-0.15, 0.15);
        double[] polygon = switch (CLASSES.get(shape)) {
            // A triangle inscribed in the radius looks smaller than the other shapes.
            case "triangle" -> ShapeOutlines.regularPolygon(3, radius * 1.15);
            case "star" -> ShapeOutlines.star(5, radius, radius * rng.uniform(0.4, 0.5));
            default -> null;
        };
        int plane = SIZE * SIZE;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double px = c + 0.5 - cx;
                double py = r + 0.5 - cy;
                // The shape's own frame: rotate the pixel back by the shape's angle.
                double x = cos * px + sin * py;
                double y = -sin * px + cos * py;
                double d = switch (CLASSES.get(shape)) {
                    case "circle" -> ShapeOutlines.circle(x, y, radius);
                    case "square" -> ShapeOutlines.box(x, y, radius * 0.8, radius * 0.8);
                    case "cross" -> ShapeOutlines.cross(x, y, radius, radius * 0.3);
                    case "ring" -> ShapeOutlines.ring(x, y, radius, thickness);
                    case "frame" -> ShapeOutlines.frame(x, y, radius * 0.8, thickness);
                    case "crescent" -> ShapeOutlines.crescent(x, y, radius, radius * 0.8, radius * 0.5);
                    default -> ShapeOutlines.polygon(x, y, polygon);
                };
                double coverage = Math.max(0, Math.min(1, 0.5 - d));
                if (coverage > 0) {
                    // A light linear shading across the shape, so it is not a flat stencil.
                    double light = 1 + shading * y / radius;
                    for (int ch = 0; ch < CHANNELS; ch++) {
                        int k = ch * plane + r * SIZE + c;
                        rgb[k] += (fill[ch] * light - rgb[k]) * coverage;
                    }
                }
            }
        }
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int ch = 0; ch < CHANNELS; ch++) {
            sum += (a[ch] - b[ch]) * (a[ch] - b[ch]);
        }
        return Math.sqrt(sum);
    }
}
