package dev.gantry.training.augment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;

/**
 * Child-process main for {@link AugmentationMemoryTest}: the augmentation's share of a D and a G
 * step, repeated: a fake batch made from a parameter, real and fake augmented (every operation, ADA
 * at p = 0.5), a backward to the parameter, all inside a step's sub-manager. Prints {@code at
 * <iteration>} every 100 iterations; the parent reads this process's RSS then.
 */
public final class AugmentRssProbe {

    public static void main(String[] args) {
        int iterations = Integer.parseInt(args[0]);
        Shape batch = new Shape(64, 3, 32, 32);
        Augmentation all = Augmentation.parse("color,translation,cutout");
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray theta = base.randomNormal(batch);
            theta.setRequiresGradient(true);
            for (int i = 1; i <= iterations; i++) {
                SplittableRandom rng = new SplittableRandom(i);
                try (NDManager step = base.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray real = step.randomUniform(-1, 1, batch);
                    NDArray fake = step.ones(batch).mul(theta).tanh();
                    NDArray loss = all.apply(real, rng)
                            .mean()
                            .sub(all.apply(fake, rng, 0.5).mean());
                    collector.backward(loss);
                    // getGradient() attaches to the parameter's manager: close it, as the loop does.
                    theta.getGradient().close();
                }
                if (i % 100 == 0) {
                    System.out.println("at " + i);
                }
            }
        }
        System.out.println("done");
    }
}
