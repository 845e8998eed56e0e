package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Stores N×C×H×W maps channels-last (strides C·H·W, 1, W·C, C): same shape, same values, another
 * memory layout, which libtorch's kernels then keep: oneDNN convolutions, batch norm, the
 * activations and nearest upsampling all take a channels-last input and give a channels-last
 * output, in the backward pass too. DJL has no memory-format call, so this is one copy through a
 * permutation: x.permute(0, 2, 3, 1), flattened (the copy), viewed back as N×C×H×W.
 *
 * <p>Why: libtorch 2.7's nearest upsampling runs its channels-last kernel whenever the output is
 * small (H + W ≤ 128, every DCGAN and SNGAN stage), and on an NCHW input first copies the input
 * to channels-last and then writes the NCHW output with channel-strided stores. Measured here at
 * one thread, batch 64: 12 ms for a (64, 64, 16, 16) input against 1.5 ms from a channels-last
 * one, and the whole DCGAN-32 step went from 3.6 to 4.6–4.9 steps/s with the generator and the
 * discriminator channels-last ({@code bench/training/dcgan32.md}). The networks convert once:
 * the generator after its first reshape, the discriminator at its input.
 */
enum ChannelsLast implements Layer {
    INSTANCE;

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1)
                .flatten()
                .reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }
}
