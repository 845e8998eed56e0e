package dev.gantry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Area downsampling by an integer factor: every output pixel is the mean of a scale × scale block,
 * {@code F.avg_pool2d(x, scale)}, the exact area resize for whole factors ({@code
 * ImageFitting} does the same for any factor, in Java, once per run).
 */
final class LowResolution {

    private LowResolution() {}

    static NDArray of(NDArray images, int scale) {
        Shape window = new Shape(scale, scale);
        return JniUtils.avgPool((PtNDArray) images, window, window, new Shape(0, 0), false, true);
    }
}
