package dev.gantry.training.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Measurements the image-set tests share: a content hash and pixel distances. */
final class ImageChecks {

    private ImageChecks() {}

    /** SHA-256 of the shape, the pixels and the labels: any changed byte changes it. */
    static String sha256(ImageTensor t) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ByteBuffer.allocate(16)
                    .putInt(t.count())
                    .putInt(t.channels())
                    .putInt(t.height())
                    .putInt(t.width())
                    .array());
            digest.update(t.pixels());
            ByteBuffer labels = ByteBuffer.allocate(4 * t.count());
            for (int label : t.labels()) {
                labels.putInt(label);
            }
            digest.update(labels.array());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Root-mean-square difference of two images, 0 (equal) to 1 (black against white). */
    static double rms(ImageTensor t, int a, int b) {
        int size = t.imageBytes();
        double sum = 0;
        for (int k = 0; k < size; k++) {
            double d = ((t.pixels()[a * size + k] & 0xff) - (t.pixels()[b * size + k] & 0xff)) / 255.0;
            sum += d * d;
        }
        return Math.sqrt(sum / size);
    }

    /** Mean {@link #rms} over all pairs of the first {@code per} images of class {@code label}. */
    static double meanPairwiseDistance(ImageTensor t, int label, int per) {
        int[] members = new int[per];
        int found = 0;
        for (int i = 0; i < t.count() && found < per; i++) {
            if (t.labels()[i] == label) {
                members[found++] = i;
            }
        }
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < found; i++) {
            for (int j = i + 1; j < found; j++) {
                sum += rms(t, members[i], members[j]);
                pairs++;
            }
        }
        return sum / pairs;
    }

    static float[] pixels(ImageTensor t, int index) {
        float[] out = new float[t.imageBytes()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (t.pixels()[index * out.length + k] & 0xff) / 255f;
        }
        return out;
    }
}
