package dev.gantry.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * MNIST's IDX format: an unsigned-byte images file of rank 3 (N, rows, columns), raw or gzip, on
 * its own (unlabeled) or in a ZIP with a labels file of rank 1 (N); file names as MNIST's
 * ({@code train-images-idx3-ubyte.gz}, {@code train-labels.idx1-ubyte}). Labels 0…max become
 * classes named {@code "0"}…{@code "max"}.
 */
final class IdxDecoder {

    private static final Pattern IMAGES = Pattern.compile(".*idx3[-.]ubyte(\\.gz)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern LABELS = Pattern.compile(".*idx1[-.]ubyte(\\.gz)?", Pattern.CASE_INSENSITIVE);

    private IdxDecoder() {}

    record Entries(ZipArchiveEntry images, ZipArchiveEntry labels) {}

    /** The IDX files of a ZIP, or null when its files are not all IDX files. */
    static Entries entries(List<ZipArchiveEntry> files) {
        ZipArchiveEntry images = null;
        ZipArchiveEntry labels = null;
        int idx = 0;
        for (ZipArchiveEntry file : files) {
            String name = file.getName();
            if (IMAGES.matcher(name).matches()) {
                idx++;
                images = images == null ? file : images;
            } else if (LABELS.matcher(name).matches()) {
                idx++;
                labels = labels == null ? file : labels;
            } else {
                return null;
            }
        }
        if (idx == 0) {
            return null;
        }
        if (images == null || idx > (labels == null ? 1 : 2)) {
            throw new DatasetContentException("holds IDX files, but not one images file (*idx3-ubyte[.gz]) and"
                    + " at most one labels file (*idx1-ubyte[.gz])");
        }
        return new Entries(images, labels);
    }

    /** A raw images file: its header and its exact length, which a lying count gives away. */
    static void checkRaw(Path file, long size) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            IdxHeader header = IdxHeader.read(in, 3, "images");
            long expected = header.bytesAfter() + (long) header.dims()[0] * header.dims()[1] * header.dims()[2];
            if (expected != size) {
                throw new DatasetContentException("is an IDX images file whose header claims " + header.dims()[0]
                        + " images of " + header.dims()[1] + "×" + header.dims()[2] + " (" + expected
                        + " bytes), but it has " + size + " bytes");
            }
        }
    }

    /** A gzip upload: it must inflate to an IDX images header (the rest is checked while decoding). */
    static void checkGzip(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            IdxHeader.read(in, 3, "images");
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DatasetContentException("is a gzip stream that cannot be read: " + e.getMessage());
        }
    }

    static Decoded decode(Path upload, UploadInspector.Container container, ZipDirectory zip, DecodeContext context)
            throws IOException {
        Entries entries = zip == null ? null : entries(zip.files());
        int[] labels = null;
        if (entries != null && entries.labels() != null) {
            try (DataInputStream in =
                    open(zip.open(entries.labels()), entries.labels().getName())) {
                IdxHeader header = IdxHeader.read(in, 1, "labels");
                int count = header.dims()[0];
                if (count > context.settings().maxImages()) {
                    throw new DatasetContentException(
                            "the labels file claims " + count + " labels, more than gantry.datasets.max-images");
                }
                byte[] raw = in.readNBytes(count);
                if (raw.length < count || in.read() >= 0) {
                    throw new DatasetContentException(
                            "the labels file does not hold the " + count + " labels its header claims");
                }
                labels = new int[count];
                for (int i = 0; i < count; i++) {
                    labels[i] = raw[i] & 0xFF;
                }
            }
        }
        InputStream raw = switch (container) {
            case RAW -> Files.newInputStream(upload);
            case GZIP -> new GZIPInputStream(Files.newInputStream(upload), 1 << 16);
            case ZIP -> zip.open(entries.images());
        };
        // A gzip upload is inflated above already; inside a ZIP, the entry's name tells.
        String name =
                container == UploadInspector.Container.ZIP ? entries.images().getName() : "upload";
        try (DataInputStream in = open(raw, name)) {
            IdxHeader header = IdxHeader.read(in, 3, "images");
            int[] dims = header.dims();
            if (labels != null && labels.length != dims[0]) {
                throw new DatasetContentException(
                        "the labels file has " + labels.length + " labels for " + dims[0] + " images");
            }
            return ArrayImages.append(in, dims[0], dims[1], dims[2], 1, false, labels, context, "the images file");
        }
    }

    private static DataInputStream open(InputStream in, String name) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 1 << 16);
        return new DataInputStream(
                name.toLowerCase().endsWith(".gz") ? new GZIPInputStream(buffered, 1 << 16) : buffered);
    }
}
