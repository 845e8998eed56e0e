package dev.gantry.dataset;

import dev.gantry.training.data.ImageTensorFile;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * A NumPy uint8 array {@code (N, H, W)} or {@code (N, H, W, C)} with C 1 or 3, C-ordered: an
 * {@code .npy} file on its own (unlabeled), or a ZIP of {@code images.npy} and {@code labels.npy}
 * (an integer array {@code (N,)}; labels 0…max become classes {@code "0"}…{@code "max"}).
 * {@code .npz} is not read: it may hold pickles, and the ZIP above says the same without them.
 */
final class NpyDecoder {

    private NpyDecoder() {}

    record Entries(ZipArchiveEntry images, ZipArchiveEntry labels) {}

    /** The arrays of a ZIP, or null when it is not exactly images.npy and an optional labels.npy. */
    static Entries entries(List<ZipArchiveEntry> files) {
        ZipArchiveEntry images = null;
        ZipArchiveEntry labels = null;
        for (ZipArchiveEntry file : files) {
            String base = file.getName().substring(file.getName().lastIndexOf('/') + 1);
            if (base.equals("images.npy") && images == null) {
                images = file;
            } else if (base.equals("labels.npy") && labels == null) {
                labels = file;
            } else {
                return null;
            }
        }
        return images == null ? null : new Entries(images, labels);
    }

    /** A raw .npy upload: a uint8 image array whose length matches its header. */
    static void checkRaw(Path file, long size) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            NpyHeader header = NpyHeader.read(in);
            checkImages(header);
            if (header.headerBytes() + header.dataBytes() != size) {
                throw new DatasetContentException("is an NPY array of shape " + shape(header) + " ("
                        + (header.headerBytes() + header.dataBytes()) + " bytes), but it has " + size + " bytes");
            }
        }
    }

    static Decoded decode(Path upload, ZipDirectory zip, DecodeContext context) throws IOException {
        Entries entries = zip == null ? null : entries(zip.files());
        int[] labels = null;
        if (entries != null && entries.labels() != null) {
            try (InputStream in = new BufferedInputStream(zip.open(entries.labels()), 1 << 16)) {
                labels = labels(in, context);
            }
        }
        InputStream raw = zip == null ? Files.newInputStream(upload) : zip.open(entries.images());
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            NpyHeader header = NpyHeader.read(in);
            checkImages(header);
            long[] shape = header.shape();
            if (labels != null && labels.length != shape[0]) {
                throw new DatasetContentException(
                        "labels.npy has " + labels.length + " labels for " + shape[0] + " images");
            }
            int channels = shape.length == 4 ? (int) shape[3] : 1;
            return ArrayImages.append(
                    in, shape[0], (int) shape[1], (int) shape[2], channels, true, labels, context, "the NPY array");
        }
    }

    private static void checkImages(NpyHeader header) {
        long[] shape = header.shape();
        if (header.kind() != 'u' || header.itemSize() != 1) {
            throw new DatasetContentException("is an NPY array that is not uint8; images must be uint8 (0-255)");
        }
        if (shape.length != 3 && shape.length != 4) {
            throw new DatasetContentException(
                    "is an NPY array of shape " + shape(header) + "; (N, H, W) or (N, H, W, C) is expected");
        }
        if (shape.length == 4 && shape[3] != 1 && shape[3] != 3) {
            throw new DatasetContentException(
                    "is an NPY array with " + shape[3] + " channels; 1 (gray) or 3 (RGB) are read");
        }
        if (shape[1] < 1
                || shape[2] < 1
                || shape[1] > ImageTensorFile.MAX_SIDE
                || shape[2] > ImageTensorFile.MAX_SIDE) {
            throw new DatasetContentException("is an NPY array of " + shape[1] + "×" + shape[2] + " images");
        }
    }

    private static int[] labels(InputStream in, DecodeContext context) throws IOException {
        NpyHeader header = NpyHeader.read(in);
        if ((header.kind() != 'u' && header.kind() != 'i') || header.shape().length != 1) {
            throw new DatasetContentException("labels.npy must be an integer array of shape (N,), is " + header.kind()
                    + header.itemSize() + " " + shape(header));
        }
        long count = header.shape()[0];
        if (count > context.settings().maxImages()) {
            throw new DatasetContentException(
                    "labels.npy has " + count + " labels, more than gantry.datasets.max-images");
        }
        DataInputStream data = new DataInputStream(in);
        int[] labels = new int[(int) count];
        byte[] item = new byte[header.itemSize()];
        ByteBuffer buffer =
                ByteBuffer.wrap(item).order(header.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            try {
                data.readFully(item);
            } catch (java.io.EOFException e) {
                throw new DatasetContentException("labels.npy ends after " + i + " of its " + count + " labels");
            }
            long value = switch (header.itemSize()) {
                case 1 -> header.kind() == 'u' ? item[0] & 0xFF : item[0];
                case 2 -> header.kind() == 'u' ? buffer.getShort(0) & 0xFFFF : buffer.getShort(0);
                case 4 -> header.kind() == 'u' ? buffer.getInt(0) & 0xFFFFFFFFL : buffer.getInt(0);
                default -> buffer.getLong(0);
            };
            if (value < 0 || value >= ImageTensorFile.MAX_CLASSES) {
                throw new DatasetContentException("labels.npy has label " + value + " at " + i
                        + "; labels must be in [0, " + ImageTensorFile.MAX_CLASSES + ")");
            }
            labels[i] = (int) value;
        }
        if (data.read() >= 0) {
            throw new DatasetContentException("labels.npy has bytes after its " + count + " labels");
        }
        return labels;
    }

    private static String shape(NpyHeader header) {
        return java.util.Arrays.toString(header.shape()).replace('[', '(').replace(']', ')');
    }
}
