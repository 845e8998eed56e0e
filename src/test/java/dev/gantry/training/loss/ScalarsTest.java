package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    /**
     * The constant of a product is kept by autograd until the backward. With DJL's {@code
     * mul(Number)} its memory was freed by a GC in between and reused, and the gradient came out
     * as NaN or ±1e31 instead of 0.5 (three runs out of three).
     */
    @Test
    void a_constant_factor_survives_garbage_collection_between_forward_and_backward() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, -2f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Scalars.times(x, 0.5).sum();
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    byte[][] garbage = new byte[32][];
                    for (int j = 0; j < garbage.length; j++) {
                        garbage[j] = new byte[1 << 20];
                    }
                    Thread.sleep(20);
                }
                // Small direct allocations of the freed size would take over the constant's memory.
                try (NDManager churn = m.newSubManager()) {
                    for (int i = 0; i < 2000; i++) {
                        churn.create(7f);
                    }
                    collector.backward(y);
                }
            }
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, x.getGradient().toFloatArray());
        }
    }
}
