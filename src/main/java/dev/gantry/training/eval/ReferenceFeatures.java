package dev.gantry.training.eval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import org.ejml.data.DMatrixRMaj;

/**
 * Everything about the real images that the feature metrics need, computed once and reused for
 * every evaluation: the features themselves (KID and precision/recall compare sets, not moments),
 * each one's k-NN radius, the KID subsets' within-set kernel sums, and FID's mean, tr Σ and Σ^½.
 * Costly for a real network (a forward pass over every reference image, an n² scan, a d³
 * eigendecomposition), so it is cached by {@link ImageEvaluator} under a content address.
 */
public final class ReferenceFeatures {

    private static final long MAGIC = 0x4741_4e54_5259_5246L; // "GANTRYRF"
    private static final int VERSION = 1;

    final FeatureMatrix features;
    final double[] squaredRadii;
    final int[][] subsets;
    final double[] withinSums;
    final FrechetDistance.Reference frechet;

    private ReferenceFeatures(
            FeatureMatrix features,
            double[] squaredRadii,
            int[][] subsets,
            double[] withinSums,
            FrechetDistance.Reference frechet) {
        this.features = features;
        this.squaredRadii = squaredRadii;
        this.subsets = subsets;
        this.withinSums = withinSums;
        this.frechet = frechet;
    }

    /**
     * @param k the neighbour that sets a sample's radius
     * @param subsets the KID subsets of the reference rows
     */
    public static ReferenceFeatures of(FeatureMatrix features, int k, int[][] subsets) {
        return new ReferenceFeatures(
                features,
                PrecisionRecall.squaredRadii(features, k),
                subsets,
                KernelDistance.withinSums(features, subsets),
                FrechetDistance.Reference.of(FeatureMoments.of(features)));
    }

    public int count() {
        return features.rows();
    }

    public int dimension() {
        return features.columns();
    }

    /** FID, KID and precision/recall of a generated set against this reference. */
    public record Comparison(double fid, KernelDistance.Result kid, PrecisionRecall.Result precisionRecall) {}

    /**
     * @param generatedSubsets KID subsets of the generated rows, as many as the reference has and
     *     of the same size
     * @param k the same k as the reference's radii
     */
    public Comparison compare(FeatureMatrix generated, int k, int[][] generatedSubsets) {
        double fid = FrechetDistance.of(frechet, FeatureMoments.of(generated));
        KernelDistance.Result kid = KernelDistance.of(withinSums, features, subsets, generated, generatedSubsets);
        PrecisionRecall.Result pr =
                PrecisionRecall.of(features, squaredRadii, generated, PrecisionRecall.squaredRadii(generated, k));
        return new Comparison(fid, kid, pr);
    }

    /** The bytes stored in the cache: this and nothing else; CRC-32 at the end. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            int n = features.rows();
            int d = features.columns();
            out.writeInt(n);
            out.writeInt(d);
            for (double v : features.values()) {
                out.writeDouble(v);
            }
            for (double r : squaredRadii) {
                out.writeDouble(r);
            }
            out.writeInt(subsets.length);
            out.writeInt(subsets.length == 0 ? 0 : subsets[0].length);
            for (int[] subset : subsets) {
                for (int i : subset) {
                    out.writeInt(i);
                }
            }
            for (double s : withinSums) {
                out.writeDouble(s);
            }
            for (double m : frechet.mean()) {
                out.writeDouble(m);
            }
            out.writeDouble(frechet.trace());
            for (double v : frechet.sqrtCovariance().data) {
                out.writeDouble(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] all = java.util.Arrays.copyOf(body, body.length + 8);
        java.nio.ByteBuffer.wrap(all, body.length, 8).putLong(crc.getValue());
        return all;
    }

    /** @throws IllegalArgumentException when the bytes are not a whole, intact encoding */
    public static ReferenceFeatures decode(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("reference features: truncated");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() != crc.getValue()) {
            throw new IllegalArgumentException("reference features: CRC mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            if (in.readLong() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException("reference features: unknown format");
            }
            int n = in.readInt();
            int d = in.readInt();
            double[] values = new double[Math.multiplyExact(n, d)];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readDouble();
            }
            double[] radii = new double[n];
            for (int i = 0; i < n; i++) {
                radii[i] = in.readDouble();
            }
            int[][] subsets = new int[in.readInt()][in.readInt()];
            for (int[] subset : subsets) {
                for (int i = 0; i < subset.length; i++) {
                    subset[i] = in.readInt();
                }
            }
            double[] within = new double[subsets.length];
            for (int s = 0; s < within.length; s++) {
                within[s] = in.readDouble();
            }
            double[] mean = new double[d];
            for (int i = 0; i < d; i++) {
                mean[i] = in.readDouble();
            }
            double trace = in.readDouble();
            DMatrixRMaj root = new DMatrixRMaj(d, d);
            for (int i = 0; i < root.data.length; i++) {
                root.data[i] = in.readDouble();
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("reference features: trailing bytes");
            }
            return new ReferenceFeatures(
                    new FeatureMatrix(n, d, values),
                    radii,
                    subsets,
                    within,
                    new FrechetDistance.Reference(mean, trace, root));
        } catch (IOException e) {
            throw new IllegalArgumentException("reference features: truncated", e);
        }
    }
}
