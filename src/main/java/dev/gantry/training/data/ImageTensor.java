package dev.gantry.training.data;

import java.util.Arrays;
import java.util.List;

/**
 * A set of images as one compact uint8 tensor: {@code count × channels × height × width} values,
 * row-major (image, then channel, then row, then column), 0 black to 255 white, with an optional
 * class label per image. Uploaded datasets are decoded into this once; built-in image sets are
 * generated into it. No DJL here: the API process reads it too (previews, validation).
 *
 * @param pixels {@code count·channels·height·width} bytes, read as unsigned
 * @param labels one class index per image in {@code [0, classNames.size())}, or {@code null} when
 *     the set has no labels
 * @param classNames the name of each class, index order; empty when unlabeled
 */
public record ImageTensor(
        int count, int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {

    public ImageTensor {
        if (count < 0 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad shape " + count + "×" + channels + "×" + height + "×" + width);
        }
        long size = (long) count * channels * height * width;
        if (pixels.length != size) {
            throw new IllegalArgumentException("shape " + count + "×" + channels + "×" + height + "×" + width
                    + " needs " + size + " bytes, got " + pixels.length);
        }
        classNames = List.copyOf(classNames);
        if (labels != null) {
            if (labels.length != count) {
                throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
            }
            for (int label : labels) {
                if (label < 0 || label >= classNames.size()) {
                    throw new IllegalArgumentException("label " + label + " outside [0, " + classNames.size() + ")");
                }
            }
        } else if (!classNames.isEmpty()) {
            throw new IllegalArgumentException("class names without labels");
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }

    public boolean labeled() {
        return labels != null;
    }

    /** Images per class, index order; empty when unlabeled. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        if (labels != null) {
            for (int label : labels) {
                counts[label]++;
            }
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageTensor t
                && count == t.count
                && channels == t.channels
                && height == t.height
                && width == t.width
                && Arrays.equals(pixels, t.pixels)
                && Arrays.equals(labels, t.labels)
                && classNames.equals(t.classNames);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pixels) * 31 + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "ImageTensor[" + count + "×" + channels + "×" + height + "×" + width + ", " + classNames.size()
                + " classes]";
    }
}
