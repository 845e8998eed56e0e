package dev.gantry.training.data;

import java.util.List;
import java.util.random.RandomGenerator;

/** A built-in 2-D distribution as training data: unlabeled rows of (x, y). */
public record PointData(SyntheticDataset distribution) implements TrainingData {

    @Override
    public long[] sampleShape() {
        return new long[] {2};
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public void sample(RandomGenerator rng, int count, float[] out, int[] labels) {
        distribution.sample(rng, count, out);
    }
}
