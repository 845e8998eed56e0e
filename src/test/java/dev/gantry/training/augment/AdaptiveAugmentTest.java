package dev.gantry.training.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdaptiveAugmentTest {

    private static final int BATCH = 16;
    private static final int INTERVAL = 4;
    /** p moves by 16 · 4 / (0.64 · 1000) = 0.1 per interval. */
    private static final double KIMG = 0.64;

    private static final double STEP = (double) BATCH * INTERVAL / (KIMG * 1000);

    @Test
    void p_rises_by_one_adjustment_per_interval_while_d_is_sure_of_the_real_images() {
        AdaptiveAugment ada = ada();
        assertEquals(0, ada.p());
        for (int interval = 1; interval <= 3; interval++) {
            for (int step = 1; step <= INTERVAL; step++) {
                // p moves only when an interval is complete.
                assertEquals((interval - 1) * STEP, ada.p(), 1e-12);
                ada.observe(logits(BATCH, 2.5f));
            }
            assertEquals(1.0, ada.rt());
            assertEquals(interval * STEP, ada.p(), 1e-12);
        }
        for (int step = 0; step < 100 * INTERVAL; step++) {
            ada.observe(logits(BATCH, 2.5f));
        }
        assertEquals(1.0, ada.p(), "p is clamped at 1");
    }

    @Test
    void p_falls_when_d_is_unsure_and_stays_at_zero() {
        AdaptiveAugment ada = ada();
        for (int step = 0; step < 5 * INTERVAL; step++) {
            ada.observe(logits(BATCH, 1f));
        }
        assertEquals(5 * STEP, ada.p(), 1e-12);
        for (int step = 0; step < 2 * INTERVAL; step++) {
            ada.observe(logits(BATCH, -1f));
        }
        assertEquals(-1.0, ada.rt());
        assertEquals(3 * STEP, ada.p(), 1e-12);
        for (int step = 0; step < 10 * INTERVAL; step++) {
            ada.observe(logits(BATCH, -1f));
        }
        assertEquals(0, ada.p(), "p is clamped at 0");
    }

    @Test
    void rt_is_the_mean_sign_of_the_real_logits_over_the_interval() {
        AdaptiveAugment ada = ada();
        // 10 positive, 4 negative and 2 exactly zero (sign 0) per step: r_t = 6/16 = 0.375 < 0.6.
        float[] mixed = new float[BATCH];
        Arrays.fill(mixed, 0, 10, 0.3f);
        Arrays.fill(mixed, 10, 14, -7f);
        for (int step = 0; step < INTERVAL; step++) {
            ada.observe(mixed);
        }
        assertEquals(0.375, ada.rt());
        assertEquals(0, ada.p());
        assertEquals(Map.of("augment/p", 0.0, "augment/rt", 0.375), ada.metrics());
        assertEquals(Map.of("augment/p", 0.0), ada().metrics(), "no r_t before the first interval");
    }

    @Test
    void the_logits_array_of_a_step_counts_like_its_values() {
        AdaptiveAugment fromArray = ada();
        AdaptiveAugment fromValues = ada();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step = 0; step < 3 * INTERVAL + 1; step++) {
                float[] v = randomLogits(new SplittableRandom(step), 0.7);
                fromArray.observe(m.create(v).reshape(BATCH, 1));
                fromValues.observe(v);
            }
        }
        assertEquals(fromValues.state(), fromArray.state());
    }

    @Test
    void a_restored_state_continues_exactly_where_it_was_saved() {
        AdaptiveAugment original = ada();
        SplittableRandom rng = new SplittableRandom(3);
        // Ten steps: two intervals and half of the third, so the accumulator is mid-way.
        for (int step = 0; step < 10; step++) {
            original.observe(randomLogits(rng, 0.95));
        }
        Map<String, Double> saved = original.state();
        assertTrue(saved.get("p") > 0 && saved.get("observations") == 2.0, saved::toString);

        AdaptiveAugment resumed = ada();
        resumed.restore(new HashMap<>(saved));
        assertEquals(saved, resumed.state());
        for (int step = 0; step < 30; step++) {
            float[] v = randomLogits(rng, step < 15 ? 0.95 : 0.2);
            original.observe(v);
            resumed.observe(v);
            assertEquals(original.state(), resumed.state(), "step " + step);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = original.apply(m.ones(new ai.djl.ndarray.types.Shape(4, 3, 8, 8)), new SplittableRandom(9))
                    .toFloatArray();
            float[] b = resumed.apply(m.ones(new ai.djl.ndarray.types.Shape(4, 3, 8, 8)), new SplittableRandom(9))
                    .toFloatArray();
            assertTrue(Arrays.equals(a, b), "the same p augments the same way");
        }
    }

    @Test
    void a_foreign_or_broken_state_is_refused() {
        AdaptiveAugment ada = ada();
        Map<String, Double> good = Map.of("p", 0.5, "signSum", 3.0, "count", 16.0, "observations", 1.0);
        ada.restore(good);
        assertEquals(0.5, ada.p());
        Map<String, Double> unknown = new HashMap<>(good);
        unknown.put("q", 1.0);
        assertThrows(IllegalArgumentException.class, () -> ada.restore(unknown));
        Map<String, Double> missing = new HashMap<>(good);
        missing.remove("count");
        assertThrows(IllegalArgumentException.class, () -> ada.restore(missing));
        Map<String, Double> badP = new HashMap<>(good);
        badP.put("p", 1.5);
        assertThrows(IllegalArgumentException.class, () -> ada.restore(badP));
        Map<String, Double> badInterval = new HashMap<>(good);
        badInterval.put("observations", (double) INTERVAL);
        assertThrows(IllegalArgumentException.class, () -> ada.restore(badInterval));
        assertEquals(0.5, ada.p(), "a refused state changes nothing");
    }

    @Test
    void settings_out_of_range_are_refused() {
        Augmentation color = Augmentation.parse("color");
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAugment(color, 1.0, 4, 500));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAugment(color, 0.6, 0, 500));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAugment(color, 0.6, 4, 0));
        assertEquals(0, AdaptiveAugment.withDefaults(color).p());
    }

    private static AdaptiveAugment ada() {
        return new AdaptiveAugment(Augmentation.parse("color,translation,cutout"), 0.6, INTERVAL, KIMG);
    }

    private static float[] logits(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    /** Logits positive with the given probability. */
    private static float[] randomLogits(SplittableRandom rng, double positive) {
        float[] v = new float[BATCH];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() < positive ? 1 : -1) * rng.nextDouble(0.01, 3));
        }
        return v;
    }
}
