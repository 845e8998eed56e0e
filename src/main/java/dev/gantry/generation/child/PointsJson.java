package dev.gantry.generation.child;

import dev.gantry.training.GeneratorSampler;
import tools.jackson.databind.json.JsonMapper;

/** 2-D samples as {@code {"step": …, "seed": …, "points": [[x, y], …]}}, float32 values printed as floats. */
final class PointsJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Body(long step, long seed, float[][] points) {}

    private PointsJson() {}

    static byte[] of(long step, long seed, GeneratorSampler.Samples samples) {
        if (samples.shape().length != 2 || samples.shape()[1] != 2) {
            throw new IllegalArgumentException("JSON points need samples of shape (n, 2)");
        }
        float[] v = samples.values();
        float[][] points = new float[v.length / 2][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new float[] {v[2 * i], v[2 * i + 1]};
        }
        return JSON.writeValueAsBytes(new Body(step, seed, points));
    }
}
