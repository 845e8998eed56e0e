package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/** A float32 tensor copied out of libtorch: its shape and row-major values. */
public record TensorData(long[] shape, float[] values) {

    public TensorData {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }

    public static TensorData of(NDArray array) {
        return new TensorData(array.getShape().getShape(), array.toFloatArray());
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
