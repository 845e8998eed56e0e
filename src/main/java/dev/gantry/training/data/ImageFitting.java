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
        int outSize = channels * resolution * resolution;
        byte[] out = new byte[Math.multiplyExact(source.count(), outSize)];
        byte[] image = new byte[source.imageBytes()];
        Resampler resampler = new Resampler(Math.min(source.height(), source.width()), resolution);
        for (int n = 0; n < source.count(); n++) {
            System.arraycopy(source.pixels(), n * image.length, image, 0, image.length);
            byte[] resized = resampler.cropAndResize(image, source.channels(), source.height(), source.width());
            convert(resized, source.channels(), channels, resolution * resolution, out, n * outSize);
        }
        return new ImageTensor(
                source.count(), channels, resolution, resolution, out, source.labels(), source.classNames());
    }

    /**
     * One image: the largest centered square of {@code channels × height × width} bytes,
     * area-resized to {@code side × side} and rounded.
     */
    public static byte[] cropAndResize(byte[] chw, int channels, int height, int width, int side) {
        return new Resampler(Math.min(height, width), side).cropAndResize(chw, channels, height, width);
    }

    private static void convert(byte[] image, int from, int to, int plane, byte[] out, int offset) {
        if (from == to) {
            System.arraycopy(image, 0, out, offset, image.length);
            return;
        }
        for (int i = 0; i < plane; i++) {
            if (from == 3) {
                int r = image[i] & 0xff;
                int g = image[plane + i] & 0xff;
                int b = image[2 * plane + i] & 0xff;
                // PIL's L = R·299/1000 + G·587/1000 + B·114/1000 in 16-bit fixed point.
                out[offset + i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            } else {
                for (int c = 0; c < 3; c++) {
                    out[offset + c * plane + i] = image[i];
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

        byte[] cropAndResize(byte[] chw, int channels, int height, int width) {
            int top = (height - from) / 2;
            int left = (width - from) / 2;
            float[] plane = new float[from * from];
            float[] resized = new float[to * to];
            byte[] out = new byte[channels * to * to];
            for (int c = 0; c < channels; c++) {
                int base = c * height * width;
                for (int y = 0; y < from; y++) {
                    for (int x = 0; x < from; x++) {
                        plane[y * from + x] = chw[base + (top + y) * width + left + x] & 0xff;
                    }
                }
                resize(plane, resized);
                for (int i = 0; i < resized.length; i++) {
                    out[c * resized.length + i] = toByte(resized[i]);
                }
            }
            return out;
        }

        /** {@code in} is from×from, {@code out} to×to. */
        private void resize(float[] in, float[] out) {
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
