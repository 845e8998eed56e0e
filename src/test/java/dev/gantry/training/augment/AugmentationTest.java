package dev.gantry.training.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final Shape BATCH = new Shape(8, 3, 16, 16);

    @Test
    void a_policy_lists_its_names_in_order_and_refuses_unknown_or_repeated_ones() {
        assertEquals(
                List.of("color", "translation", "cutout"),
                Augmentation.parse("color, translation,cutout").policy());
        assertEquals(
                List.of("cutout", "color"), Augmentation.parse("cutout,color").policy());
        assertFalse(Augmentation.parse("").isOn());
        assertFalse(Augmentation.parse("  ").isOn());
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("color,flip"));
        assertTrue(unknown.getMessage().contains("'flip'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("color,,cutout"));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("cutout,cutout"));
    }

    @Test
    void the_same_seed_gives_the_same_batch_and_another_seed_another() {
        Augmentation all = Augmentation.parse("color,translation,cutout");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, 1);
            float[] a = all.apply(x, new SplittableRandom(7)).toFloatArray();
            float[] b = all.apply(x, new SplittableRandom(7)).toFloatArray();
            float[] c = all.apply(x, new SplittableRandom(8)).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
            assertFalse(Arrays.equals(a, x.toFloatArray()));
        }
    }

    @Test
    void the_generator_gradient_flows_through_the_augmentation_of_fake_images() {
        Augmentation all = Augmentation.parse("color,translation,cutout");
        try (NDManager m = NDManager.newBaseManager()) {
            // A stand-in generator: fake = tanh(θ), θ its only parameter.
            NDArray theta = images(m, 2);
            theta.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray fake = theta.tanh();
                NDArray augmented = all.apply(fake, new SplittableRandom(3));
                assertSame(m, augmented.getManager(), "the augmented batch lives where its input does");
                collector.backward(augmented.square().sum());
            }
            float[] grad = theta.getGradient().toFloatArray();
            long nonZero = 0;
            for (float g : grad) {
                assertTrue(Float.isFinite(g));
                nonZero += g != 0 ? 1 : 0;
            }
            // Cutout zeroes a quarter of each image and translation pushes some pixels out: the
            // rest of θ must receive a gradient.
            assertTrue(nonZero > grad.length / 2, nonZero + " of " + grad.length + " gradients are non-zero");
        }
    }

    @Test
    void ada_at_p_zero_returns_the_batch_itself_and_draws_nothing() {
        SplittableRandom used = new SplittableRandom(5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = images(m, 3);
            assertSame(x, Augmentation.parse("color,translation,cutout").apply(x, used, 0));
            assertSame(x, Augmentation.parse("").apply(x, used));
        }
        assertEquals(new SplittableRandom(5).nextLong(), used.nextLong());
    }

    @Test
    void ada_applies_each_operation_to_about_a_fraction_p_of_the_images() {
        // Translation alone on 8×8: a shift in {-1, 0, 1}² leaves an image unchanged only when it is
        // (0, 0), so a fraction p · 8/9 of the images changes.
        Augmentation translation = Augmentation.parse("translation");
        int n = 4000;
        double p = 0.3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0.1f, 1f, new Shape(n, 1, 8, 8));
            float[] before = x.toFloatArray();
            float[] after = translation.apply(x, new SplittableRandom(11), p).toFloatArray();
            int changed = 0;
            for (int i = 0; i < n; i++) {
                changed += Arrays.equals(before, i * 64, i * 64 + 64, after, i * 64, i * 64 + 64) ? 0 : 1;
            }
            double fraction = (double) changed / n;
            // Binomial standard deviation ≈ 0.007 at n = 4000.
            assertEquals(p * 8 / 9, fraction, 0.03);
        }
    }

    @Test
    void only_image_batches_are_augmented() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray points = m.zeros(new Shape(16, 2));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Augmentation.parse("color").apply(points, new SplittableRandom(1)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Augmentation.parse("color").apply(images(m, 1), new SplittableRandom(1), 1.5));
        }
    }

    private static NDArray images(NDManager m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(BATCH.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return m.create(v, BATCH);
    }
}
