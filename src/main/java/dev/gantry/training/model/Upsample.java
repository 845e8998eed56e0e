package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour upsampling by 2, {@code F.interpolate(x, scale_factor=2, mode="nearest")}:
 * y[n, c, i, j] = x[n, c, ⌊i/2⌋, ⌊j/2⌋]. Followed by a 3×3 convolution it is the
 * resize-convolution (Odena et al. 2016, "Deconvolution and Checkerboard Artifacts") that stands
 * in for the transposed convolution DJL lacks on PyTorch.
 *
 * <p>One libtorch {@code upsample_nearest2d} call. Two {@code repeat_interleave}s or a
 * reshape–expand–reshape (whose backward is a broadcast sum) were slower in every shape measured;
 * the call itself is fast only on channels-last maps, which the networks keep ({@link
 * ChannelsLast}, {@code bench/training/dcgan32.md}).
 */
enum Upsample implements Layer {
    NEAREST_2X;

    /** DJL's code for nearest (1 is bilinear, 2 area, 3 bicubic; {@code PtNDArrayEx.getInterpolationMode}). */
    private static final int NEAREST = 0;

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {2 * s.get(2), 2 * s.get(3)}, NEAREST, false);
    }
}
