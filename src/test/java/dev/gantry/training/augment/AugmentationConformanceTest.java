package dev.gantry.training.augment;

import static dev.gantry.training.Golden.FIRST_ORDER;
import static dev.gantry.training.Golden.assertClose;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.gantry.training.Golden;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every policy, square and not, odd and even sizes, shifts and cuts at the extremes, and ADA's
 * per-image gates: the augmented batch and the gradient w.r.t. the input batch against DiffAugment
 * in PyTorch ({@code scripts/training/augment_golden.py}), fed the same draws in the same order.
 */
class AugmentationConformanceTest {

    @TestFactory
    List<DynamicTest> augmented_batches_and_input_gradients_match_pytorch() {
        return AugmentGolden.cases().stream()
                .map(c -> dynamicTest(c.get("name").getAsString(), () -> check(c)))
                .toList();
    }

    private static void check(JsonObject c) {
        String what = c.get("name").getAsString();
        long[] dims = c.getAsJsonArray("shape").asList().stream()
                .mapToLong(e -> e.getAsLong())
                .toArray();
        Shape shape = new Shape(dims);
        Augmentation augmentation = Augmentation.parse(c.get("policy").getAsString());
        AugmentGolden.Replay rng = new AugmentGolden.Replay(c.getAsJsonArray("draws"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Golden.floats(c.get("input")), shape);
            x.setRequiresGradient(true);
            NDArray weights = m.create(Golden.floats(c.get("weights")), shape);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = c.get("p").isJsonNull()
                        ? augmentation.apply(x, rng)
                        : augmentation.apply(x, rng, c.get("p").getAsDouble());
                assertClose(c.get("output"), out.toFloatArray(), FIRST_ORDER, what + " output");
                collector.backward(out.mul(weights).sum());
            }
            rng.assertAllTaken();
            assertClose(c.get("inputGradient"), x.getGradient().toFloatArray(), FIRST_ORDER, what + " d/dx");
        }
    }
}
