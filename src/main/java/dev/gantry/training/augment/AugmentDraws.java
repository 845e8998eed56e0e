package dev.gantry.training.augment;

/**
 * The random values of one application of an {@link Augmentation} to a batch of N images, one
 * entry per image, already gated: an image that an ADA draw left out of an operation gets that
 * operation's identity value. An array is {@code null} when its operation is not in the policy, or
 * when no image of the batch takes part, so no native op runs for it.
 *
 * @param brightness the uniform draw u of each image; the image is shifted by u − ½
 * @param saturation u; colours are scaled around the channel mean by 2u
 * @param contrast u; the image is scaled around its mean by u + ½
 * @param shiftRows output row i reads input row i + shiftRows (zero outside)
 * @param shiftColumns output column j reads input column j + shiftColumns
 * @param cutoutRow the center row of the cut square, in [0, H + 1 − size mod 2)
 * @param cutoutColumn its center column
 * @param cutout whether the image is cut at all (false where ADA left it out)
 */
record AugmentDraws(
        int count,
        float[] brightness,
        float[] saturation,
        float[] contrast,
        int[] shiftRows,
        int[] shiftColumns,
        int[] cutoutRow,
        int[] cutoutColumn,
        boolean[] cutout) {}
