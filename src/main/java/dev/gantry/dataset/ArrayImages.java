package dev.gantry.dataset;

import dev.gantry.training.data.ImageFitting;
import dev.gantry.training.data.ImageTensorFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Images of one shape laid out back to back in a stream (IDX, NPY), appended to the tensor file
 * one at a time; larger than {@code gantry.datasets.max-resolution}, each is center-cropped and
 * area-resized to it.
 */
final class ArrayImages {

    private ArrayImages() {}

    /**
     * @param channelsLast true when each image is {@code H × W × C} (NPY), false for {@code C × H × W}
     * @param labels one class index per image, or null
     * @param what names the stream in messages, e.g. "the images file"
     */
    static Decoded append(
            InputStream in,
            long count,
            int height,
            int width,
            int channels,
            boolean channelsLast,
            int[] labels,
            DecodeContext context,
            String what)
            throws IOException {
        int maxSide = context.settings().maxResolution();
        boolean fit = height > maxSide || width > maxSide;
        int outHeight = fit ? maxSide : height;
        int outWidth = fit ? maxSide : width;
        context.checkSize(count, channels, outHeight, outWidth);
        List<String> classNames = new ArrayList<>();
        int[] classCounts = new int[0];
        if (labels != null) {
            int classes = 0;
            for (int label : labels) {
                classes = Math.max(classes, label + 1);
            }
            classCounts = new int[classes];
            for (int k = 0; k < classes; k++) {
                classNames.add(String.valueOf(k));
            }
        }
        int imageBytes = height * width * channels;
        try (ImageTensorFile.Writer writer =
                ImageTensorFile.writer(context.tensorFile(), channels, outHeight, outWidth)) {
            for (int i = 0; i < count; i++) {
                byte[] image = in.readNBytes(imageBytes);
                if (image.length < imageBytes) {
                    throw new DatasetContentException(
                            what + " ends after " + i + " of the " + count + " images its header claims");
                }
                if (channelsLast && channels > 1) {
                    image = toChannelsFirst(image, height, width, channels);
                }
                if (fit) {
                    image = ImageFitting.cropAndResize(image, channels, height, width, maxSide);
                }
                if (labels != null) {
                    writer.append(image, labels[i]);
                    classCounts[labels[i]]++;
                } else {
                    writer.append(image);
                }
                context.progress(i + 1, (int) count);
            }
            if (in.read() >= 0) {
                throw new DatasetContentException(
                        what + " has more bytes than the " + count + " images its header claims");
            }
            writer.finish(classNames);
        }
        List<Integer> counts = new ArrayList<>();
        for (int c : classCounts) {
            counts.add(c);
        }
        String preprocessing = fit
                ? height + "×" + width + " images, larger than gantry.datasets.max-resolution, center-cropped"
                        + " and area-resized to " + maxSide + "×" + maxSide
                : null;
        return new Decoded((int) count, channels, outHeight, outWidth, classNames, counts, preprocessing);
    }

    private static byte[] toChannelsFirst(byte[] hwc, int height, int width, int channels) {
        byte[] chw = new byte[hwc.length];
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                chw[c * plane + p] = hwc[p * channels + c];
            }
        }
        return chw;
    }
}
