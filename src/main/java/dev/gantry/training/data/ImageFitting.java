package dev.gantry.training.data;

/**
 * Fits images to what the networks see: the largest centered square is cropped, area-resized to
 * {@code resolution} and rounded to bytes, and then the channels converted (RGB to grayscale by
 * ITU-R 601 luma in PIL's fixed-point form, as {@code convert("L")}; grayscale to RGB by
 * copying). Done once per run, in plain Java.
 *
 * <p>Area resizing weighs every source pixel by the share of the target pixel it covers (a box
 * filter over exact coverage, like PIL's {@code BOX} and OpenCV's {@code INTER_AREA} when
 * shrinking), separably, rows first. Growing an image makes it blocky rather than blurred.
 */
public final class ImageFitting {

    private ImageFitting() {}

    public static ImageTensor fit(ImageTensor source, int resolution, int channels) {
        if (resolution < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("resolution " + resolution + ", channels " + channels);
        }
        if (source.height() == resolution && source.width() == resolution && source.channels() == channels) {
            return source;
        }
        int side = Math.min(source.height(), source.width());
        int top = (source.height() - side) / 2;
        int left = (source.width() - side) / 2;
        Resampler resampler = new Resampler(side, resolution);
        int outSize = channels * resolution * resolution;
        byte[] out = new byte[Math.multiplyExact(source.count(), outSize)];
        float[] plane = new float[side * side];
        float[] resized = new float[resolution * resolution];
        float[] image = new float[source.channels() * resolution * resolution];
        int inPlane = source.height() * source.width();
        for (int n = 0; n < source.count(); n++) {
            for (int c = 0; c < source.channels(); c++) {
                int base = n * source.imageBytes() + c * inPlane;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        plane[y * side + x] = source.pixels()[base + (top + y) * source.width() + left + x] & 0xff;
                    }
                }
                resampler.resize(plane, resized);
                System.arraycopy(resized, 0, image, c * resized.length, resized.length);
            }
            convert(image, source.channels(), channels, resolution * resolution, out, n * outSize);
        }
        return new ImageTensor(
                source.count(), channels, resolution, resolution, out, source.labels(), source.classNames());
    }

    private static void convert(float[] image, int from, int to, int plane, byte[] out, int offset) {
        for (int i = 0; i < plane; i++) {
            if (from == to) {
                for (int c = 0; c < to; c++) {
                    out[offset + c * plane + i] = toByte(image[c * plane + i]);
                }
            } else if (from == 3) {
                int r = toByte(image[i]) & 0xff;
                int g = toByte(image[plane + i]) & 0xff;
                int b = toByte(image[2 * plane + i]) & 0xff;
                // PIL's L = R·299/1000 + G·587/1000 + B·114/1000 in 16-bit fixed point.
                out[offset + i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            } else {
                byte gray = toByte(image[i]);
                for (int c = 0; c < 3; c++) {
                    out[offset + c * plane + i] = gray;
                }
            }
        }
    }

    private static byte toByte(float value) {
        return (byte) Math.max(0, Math.min(255, Math.round(value)));
    }

    /** Exact-coverage box weights from {@code from} samples to {@code to}, one axis. */
    private static final class Resampler {
        private final int from;
        private final int to;
        private final int[] first;
        private final float[][] weights;
        private final float[] rows;

        Resampler(int from, int to) {
            this.from = from;
            this.to = to;
            this.first = new int[to];
            this.weights = new float[to][];
            this.rows = new float[to * from];
            double scale = (double) from / to;
            for (int i = 0; i < to; i++) {
                double start = i * scale;
                double end = (i + 1) * scale;
                int lo = (int) Math.floor(start);
                int hi = Math.min(from, (int) Math.ceil(end));
                first[i] = lo;
                weights[i] = new float[hi - lo];
                for (int j = lo; j < hi; j++) {
                    double overlap = Math.min(end, j + 1) - Math.max(start, j);
                    weights[i][j - lo] = (float) (overlap / scale);
                }
            }
        }

        /** {@code in} is from×from, {@code out} to×to. */
        void resize(float[] in, float[] out) {
            for (int y = 0; y < from; y++) {
                for (int x = 0; x < to; x++) {
                    rows[y * to + x] = weighted(in, y * from + first[x], 1, weights[x]);
                }
            }
            for (int y = 0; y < to; y++) {
                for (int x = 0; x < to; x++) {
                    out[y * to + x] = weighted(rows, first[y] * to + x, to, weights[y]);
                }
            }
        }

        private static float weighted(float[] values, int start, int stride, float[] w) {
            float sum = 0;
            for (int k = 0; k < w.length; k++) {
                sum += values[start + k * stride] * w[k];
            }
            return sum;
        }
    }
}
