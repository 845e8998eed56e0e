package dev.gantry.training.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"),
 * as the authors' {@code DiffAugment_pytorch.py} computes it on N×C×H×W batches in [−1, 1], with
 * u ~ U[0, 1) drawn per image:
 *
 * <ul>
 *   <li>{@code color}: brightness x + (u − ½); saturation (x − x̄_c)·2u + x̄_c with x̄_c the mean
 *       over channels; contrast (x − x̄)·(u + ½) + x̄ with x̄ the image's mean, in that order;
 *   <li>{@code translation}: a shift by whole pixels, uniform in [−s, s] on each axis with
 *       s = ⌊H/8 + ½⌋ (resp. W), zero where the shifted image leaves no pixel;
 *   <li>{@code cutout}: a square of ⌊H/2 + ½⌋ × ⌊W/2 + ½⌋ (clipped at the borders) set to zero,
 *       its center uniform in [0, H + 1 − size mod 2).
 * </ul>
 *
 * <p>Every operation is differentiable w.r.t. the images (gathers, masks and affine maps), so the
 * generator's gradient flows through the augmentation of its fake batch. The same policy is
 * applied to real and generated images alike, before every discriminator forward, in the
 * discriminator and the generator steps; never to the samples shown to users.
 *
 * <p>In ADA mode ({@link #apply(NDArray, RandomGenerator, double)}; Karras et al. 2020, "Training
 * Generative Adversarial Networks with Limited Data") each operation (brightness, saturation,
 * contrast, translation, cutout) is applied to each image independently with probability p.
 *
 * <p><b>Draws.</b> All randomness comes from the caller's {@link RandomGenerator} (the training
 * step's), never from libtorch, in this order, so that a resumed run redraws the same values: for
 * each operation in policy order, N values ({@code nextFloat()} for the colour operations; for
 * translation N {@code nextInt(−s, s + 1)} row shifts then N column shifts; for cutout N {@code
 * nextInt(0, H + 1 − size mod 2)} center rows then N center columns), followed in ADA mode by N
 * gates {@code nextDouble() < p}. Nothing is drawn in ADA mode when p = 0.
 */
public final class Augmentation {

    /** The operations, in the order DiffAugment applies a policy's names. */
    enum Op {
        BRIGHTNESS,
        SATURATION,
        CONTRAST,
        TRANSLATION,
        CUTOUT
    }

    /** The names a policy may use, in DiffAugment's usual order. */
    public static final List<String> NAMES = List.of("color", "translation", "cutout");

    static final Map<String, List<Op>> POLICIES = Map.of(
            "color", List.of(Op.BRIGHTNESS, Op.SATURATION, Op.CONTRAST),
            "translation", List.of(Op.TRANSLATION),
            "cutout", List.of(Op.CUTOUT));

    private static final double TRANSLATION_RATIO = 0.125;
    private static final double CUTOUT_RATIO = 0.5;

    private final List<String> names;
    private final List<Op> ops;

    private Augmentation(List<String> names, List<Op> ops) {
        this.names = names;
        this.ops = ops;
    }

    /**
     * A comma-separated policy such as {@code "color,translation,cutout"}, applied in the order
     * given; blank means no augmentation.
     *
     * @throws IllegalArgumentException for an unknown or repeated name
     */
    public static Augmentation parse(String policy) {
        List<String> names = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        if (!policy.isBlank()) {
            for (String raw : policy.split(",", -1)) {
                String name = raw.strip();
                List<Op> expanded = POLICIES.get(name);
                if (expanded == null) {
                    throw new IllegalArgumentException(
                            "unknown augmentation '" + name + "': expected color, translation or cutout");
                }
                if (names.contains(name)) {
                    throw new IllegalArgumentException("augmentation '" + name + "' given twice");
                }
                names.add(name);
                ops.addAll(expanded);
            }
        }
        return new Augmentation(List.copyOf(names), List.copyOf(ops));
    }

    /** The policy's names, in order. */
    public List<String> policy() {
        return names;
    }

    public boolean isOn() {
        return !ops.isEmpty();
    }

    /**
     * DiffAugment: every operation of the policy on every image. Returns a new array on {@code
     * images}' manager (call it inside the step's sub-manager), or {@code images} itself when the
     * policy is empty.
     */
    public NDArray apply(NDArray images, RandomGenerator rng) {
        return isOn() ? apply(images, draw(images.getShape(), rng, 1, false)) : images;
    }

    /**
     * ADA: each operation on each image with probability p. Returns {@code images} itself, with
     * nothing drawn, when p = 0 or the policy is empty.
     */
    public NDArray apply(NDArray images, RandomGenerator rng, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1]: " + p);
        }
        return isOn() && p > 0 ? apply(images, draw(images.getShape(), rng, p, true)) : images;
    }

    /** The draws of one application, in the documented order. */
    AugmentDraws draw(Shape shape, RandomGenerator rng, double p, boolean gated) {
        checkShape(shape);
        int n = Math.toIntExact(shape.get(0));
        int h = Math.toIntExact(shape.get(2));
        int w = Math.toIntExact(shape.get(3));
        float[] brightness = null;
        float[] saturation = null;
        float[] contrast = null;
        int[] shiftRows = null;
        int[] shiftColumns = null;
        int[] cutoutRow = null;
        int[] cutoutColumn = null;
        boolean[] cutout = null;
        for (Op op : ops) {
            switch (op) {
                case BRIGHTNESS -> brightness = gate(uniforms(n, rng), 0.5f, rng, p, gated);
                case SATURATION -> saturation = gate(uniforms(n, rng), 0.5f, rng, p, gated);
                case CONTRAST -> contrast = gate(uniforms(n, rng), 0.5f, rng, p, gated);
                case TRANSLATION -> {
                    int sr = translationShift(h);
                    int sc = translationShift(w);
                    int[] rows = integers(n, -sr, sr + 1, rng);
                    int[] columns = integers(n, -sc, sc + 1, rng);
                    boolean[] on = gates(n, rng, p, gated);
                    if (any(on)) {
                        for (int i = 0; i < n; i++) {
                            rows[i] = on[i] ? rows[i] : 0;
                            columns[i] = on[i] ? columns[i] : 0;
                        }
                        shiftRows = rows;
                        shiftColumns = columns;
                    }
                }
                case CUTOUT -> {
                    int[] rows = integers(n, 0, h + 1 - cutoutSize(h) % 2, rng);
                    int[] columns = integers(n, 0, w + 1 - cutoutSize(w) % 2, rng);
                    boolean[] on = gates(n, rng, p, gated);
                    if (any(on)) {
                        cutoutRow = rows;
                        cutoutColumn = columns;
                        cutout = on;
                    }
                }
            }
        }
        return new AugmentDraws(
                n, brightness, saturation, contrast, shiftRows, shiftColumns, cutoutRow, cutoutColumn, cutout);
    }

    /** Applies given draws, in policy order: the deterministic half, which the PyTorch test drives. */
    NDArray apply(NDArray images, AugmentDraws d) {
        checkShape(images.getShape());
        NDManager m = images.getManager();
        long n = images.getShape().get(0);
        Shape perImage = new Shape(n, 1, 1, 1);
        NDArray x = images;
        for (Op op : ops) {
            switch (op) {
                case BRIGHTNESS -> {
                    if (d.brightness() != null) {
                        float[] shift = new float[d.count()];
                        for (int i = 0; i < shift.length; i++) {
                            shift[i] = d.brightness()[i] - 0.5f;
                        }
                        x = x.add(m.create(shift, perImage));
                    }
                }
                case SATURATION -> {
                    if (d.saturation() != null) {
                        float[] factor = new float[d.count()];
                        for (int i = 0; i < factor.length; i++) {
                            factor[i] = d.saturation()[i] * 2;
                        }
                        NDArray mean = x.mean(new int[] {1}, true);
                        // Constants of products are arrays on the batch's manager: autograd keeps
                        // them for the backward, and mul(Number)'s may be freed first (loss.Scalars).
                        x = x.sub(mean).mul(m.create(factor, perImage)).add(mean);
                    }
                }
                case CONTRAST -> {
                    if (d.contrast() != null) {
                        float[] factor = new float[d.count()];
                        for (int i = 0; i < factor.length; i++) {
                            factor[i] = d.contrast()[i] + 0.5f;
                        }
                        NDArray mean =
                                x.reshape(n, -1).mean(new int[] {1}, true).reshape(perImage);
                        x = x.sub(mean).mul(m.create(factor, perImage)).add(mean);
                    }
                }
                case TRANSLATION -> {
                    if (d.shiftRows() != null) {
                        x = translate(x, d.shiftRows(), d.shiftColumns());
                    }
                }
                case CUTOUT -> {
                    if (d.cutout() != null) {
                        Shape s = x.getShape();
                        x = x.mul(m.create(cutoutMask(s, d), new Shape(n, 1, s.get(2), s.get(3))));
                    }
                }
            }
        }
        return x;
    }

    /**
     * One gather from the zero-padded batch: output (i, j) of image b reads padded pixel
     * (clamp(i + Δr_b + 1, 0, H + 1), clamp(j + Δc_b + 1, 0, W + 1)), so whatever falls outside
     * reads the zero border. The index is built in Java, one int64 per output pixel, and expanded
     * (a view, no copy) over the channels.
     */
    private static NDArray translate(NDArray x, int[] rows, int[] columns) {
        Shape s = x.getShape();
        int n = Math.toIntExact(s.get(0));
        long c = s.get(1);
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        int paddedW = w + 2;
        long[] index = new long[n * h * w];
        int k = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h; i++) {
                int row = clamp(i + rows[b] + 1, 0, h + 1);
                for (int j = 0; j < w; j++) {
                    index[k++] = (long) row * paddedW + clamp(j + columns[b] + 1, 0, w + 1);
                }
            }
        }
        NDArray padded = x.pad(new Shape(1, 1, 1, 1), 0).reshape(n, c, (long) (h + 2) * paddedW);
        NDArray perPixel = x.getManager().create(index, new Shape(n, 1, (long) h * w));
        return padded.gather(perPixel.broadcast(new Shape(n, c, (long) h * w)), 2)
                .reshape(s);
    }

    /** N×1×H×W values: 0 inside each cut square, 1 elsewhere (and everywhere for images left out). */
    private static float[] cutoutMask(Shape s, AugmentDraws d) {
        int n = Math.toIntExact(s.get(0));
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        int sizeH = cutoutSize(h);
        int sizeW = cutoutSize(w);
        float[] mask = new float[n * h * w];
        Arrays.fill(mask, 1f);
        for (int b = 0; b < n; b++) {
            if (!d.cutout()[b]) {
                continue;
            }
            // The reference clamps every index of the square into the image, so a square that
            // sticks out still zeroes the border row or column it was clamped to.
            int r0 = clamp(d.cutoutRow()[b] - sizeH / 2, 0, h - 1);
            int r1 = clamp(d.cutoutRow()[b] - sizeH / 2 + sizeH - 1, 0, h - 1);
            int c0 = clamp(d.cutoutColumn()[b] - sizeW / 2, 0, w - 1);
            int c1 = clamp(d.cutoutColumn()[b] - sizeW / 2 + sizeW - 1, 0, w - 1);
            for (int r = r0; r <= r1; r++) {
                Arrays.fill(mask, b * h * w + r * w + c0, b * h * w + r * w + c1 + 1, 0f);
            }
        }
        return mask;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static int translationShift(int size) {
        return (int) (size * TRANSLATION_RATIO + 0.5);
    }

    static int cutoutSize(int size) {
        return (int) (size * CUTOUT_RATIO + 0.5);
    }

    private static void checkShape(Shape shape) {
        if (shape.dimension() != 4) {
            throw new IllegalArgumentException("augmentation needs N×C×H×W images, got " + shape);
        }
    }

    private static float[] uniforms(int n, RandomGenerator rng) {
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextFloat();
        }
        return u;
    }

    private static int[] integers(int n, int from, int to, RandomGenerator rng) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(from, to);
        }
        return v;
    }

    private static boolean[] gates(int n, RandomGenerator rng, double p, boolean gated) {
        boolean[] on = new boolean[n];
        for (int i = 0; i < n; i++) {
            on[i] = !gated || rng.nextDouble() < p;
        }
        return on;
    }

    /** The draws with the identity value where the gate is off; null when every gate is off. */
    private static float[] gate(float[] u, float identity, RandomGenerator rng, double p, boolean gated) {
        boolean[] on = gates(u.length, rng, p, gated);
        if (!any(on)) {
            return null;
        }
        for (int i = 0; i < u.length; i++) {
            u[i] = on[i] ? u[i] : identity;
        }
        return u;
    }

    private static boolean any(boolean[] on) {
        for (boolean b : on) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", names);
    }
}
