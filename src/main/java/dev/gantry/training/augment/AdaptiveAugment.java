package dev.gantry.training.augment;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Adaptive discriminator augmentation (Karras et al. 2020, "Training Generative Adversarial
 * Networks with Limited Data"; StyleGAN2-ADA's {@code training_loop.py}): the probability p with
 * which {@link Augmentation} applies each operation to each image is steered by the overfitting
 * heuristic
 *
 * <pre>r_t = E[sign(D(x_real))]</pre>
 *
 * accumulated over {@code interval} discriminator steps. After each interval
 *
 * <pre>p ← clamp(p + sign(r_t − target) · n / (kimg · 1000), 0, 1)</pre>
 *
 * with n the number of real images observed in the interval (batch · interval), so p can move
 * from 0 to 1 in {@code kimg} thousand images. p starts at 0; the paper's target is 0.6 and its
 * {@code kimg} 500 (a small CPU run wants a much smaller {@code kimg}).
 *
 * <p>Use: {@link #apply} the same augmentation to the real and the generated batch before every
 * discriminator forward, in the discriminator and the generator steps, with the step's generator;
 * then {@link #observe} the real logits of each discriminator step. p changes only in {@code
 * observe}, so both batches of a step see the same p. Never augment samples shown to users. p and
 * the accumulator are training state: {@link #state()} goes into the checkpoint and {@link
 * #restore} brings a resumed run back to the same p.
 */
public final class AdaptiveAugment {

    public static final double DEFAULT_TARGET = 0.6;
    public static final int DEFAULT_INTERVAL = 4;
    public static final double DEFAULT_KIMG = 500;

    private static final Set<String> STATE_KEYS = Set.of("p", "signSum", "count", "observations", "rt");

    private final Augmentation augmentation;
    private final double target;
    private final int interval;
    private final double kimg;

    private double p;
    private double signSum;
    private long count;
    private int observations;
    /** r_t of the last complete interval; NaN before the first. */
    private double rt = Double.NaN;

    public AdaptiveAugment(Augmentation augmentation, double target, int interval, double kimg) {
        if (!(target >= 0 && target < 1)) {
            throw new IllegalArgumentException("target must be in [0, 1): " + target);
        }
        if (interval < 1) {
            throw new IllegalArgumentException("interval must be at least 1: " + interval);
        }
        if (!(kimg > 0) || Double.isInfinite(kimg)) {
            throw new IllegalArgumentException("kimg must be positive: " + kimg);
        }
        this.augmentation = augmentation;
        this.target = target;
        this.interval = interval;
        this.kimg = kimg;
    }

    /** The paper's settings: target 0.6, an interval of 4 steps, p from 0 to 1 in 500k images. */
    public static AdaptiveAugment withDefaults(Augmentation augmentation) {
        return new AdaptiveAugment(augmentation, DEFAULT_TARGET, DEFAULT_INTERVAL, DEFAULT_KIMG);
    }

    /** The batch augmented at the current p ({@link Augmentation#apply(NDArray, RandomGenerator, double)}). */
    public NDArray apply(NDArray images, RandomGenerator rng) {
        return augmentation.apply(images, rng, p);
    }

    /** Accumulates sign(D(x_real)) of one discriminator step; adjusts p after every interval. */
    public void observe(NDArray realLogits) {
        // One copy to Java; no native op joins the step's autograd graph.
        observe(realLogits.toFloatArray());
    }

    void observe(float[] realLogits) {
        for (float logit : realLogits) {
            signSum += Math.signum(logit);
        }
        count += realLogits.length;
        observations++;
        if (observations == interval) {
            rt = signSum / count;
            p = Math.max(0, Math.min(1, p + Math.signum(rt - target) * count / (kimg * 1000)));
            signSum = 0;
            count = 0;
            observations = 0;
        }
    }

    public double p() {
        return p;
    }

    /** r_t of the last complete interval, NaN before the first. */
    public double rt() {
        return rt;
    }

    /** {@code augment/p}, and {@code augment/rt} once an interval is complete. */
    public Map<String, Double> metrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("augment/p", p);
        if (!Double.isNaN(rt)) {
            out.put("augment/rt", rt);
        }
        return out;
    }

    /**
     * p, the open interval's accumulator and the last r_t, for the checkpoint. Every value is a
     * double and exact ({@code count} is below 2⁵³); {@code rt} is absent before the first interval.
     */
    public Map<String, Double> state() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("p", p);
        out.put("signSum", signSum);
        out.put("count", (double) count);
        out.put("observations", (double) observations);
        if (!Double.isNaN(rt)) {
            out.put("rt", rt);
        }
        return out;
    }

    /**
     * Continues from a {@link #state()}.
     *
     * @throws IllegalArgumentException when a key is missing or unknown or a value out of range
     */
    public void restore(Map<String, Double> state) {
        for (String key : state.keySet()) {
            if (!STATE_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown augmentation state '" + key + "'");
            }
        }
        double newP = required(state, "p");
        double newCount = required(state, "count");
        double newObservations = required(state, "observations");
        double newSignSum = required(state, "signSum");
        if (!(newP >= 0 && newP <= 1)
                || !(newCount >= 0)
                || newCount != Math.rint(newCount)
                || !(newObservations >= 0 && newObservations < interval)
                || newObservations != Math.rint(newObservations)
                || !(Math.abs(newSignSum) <= newCount)) {
            throw new IllegalArgumentException("inconsistent augmentation state " + state);
        }
        p = newP;
        signSum = newSignSum;
        count = (long) newCount;
        observations = (int) newObservations;
        rt = state.getOrDefault("rt", Double.NaN);
    }

    private static double required(Map<String, Double> state, String key) {
        Double v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException("augmentation state without '" + key + "'");
        }
        return v;
    }
}
