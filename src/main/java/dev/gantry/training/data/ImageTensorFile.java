package dev.gantry.training.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The file an uploaded dataset is decoded into once, and that workers read: an {@link ImageTensor}
 * in a compact, checked byte format. Plain Java (no DJL, no Spring), so the API process writes it
 * and the worker reads it.
 *
 * <p>Byte format, version 1, big-endian like {@code training.Checkpoint}:
 *
 * <pre>
 * "GANTRYIT"            8 bytes magic
 * int                   format version (1)
 * int                   count N
 * int                   channels C (1 or 3)
 * int                   height H
 * int                   width W
 * N·C·H·W bytes         pixels, uint8: image, then channel, then row, then column
 * int                   class count K; 0 when the set has no labels
 * K × (int n, n bytes)  class names, UTF-8, index order
 * N × int               labels in [0, K); present only when K &gt; 0
 * </pre>
 *
 * <p>Pixels come before the count of classes and the labels so that a decoder can stream images
 * into the file as it decodes them, without knowing the final count or holding a second copy: the
 * {@link Writer} fills in N when it finishes. There is no checksum in the file: it is stored
 * content-addressed, and its readers check the SHA-256 its name carries.
 */
public final class ImageTensorFile {

    public static final int FORMAT_VERSION = 1;

    /** The most pixel bytes one file holds: the largest byte array HotSpot allocates. */
    public static final long MAX_PIXEL_BYTES = Integer.MAX_VALUE - 8;

    public static final int MAX_SIDE = 65_535;
    public static final int MAX_CLASSES = 10_000;
    public static final int MAX_CLASS_NAME_BYTES = 1_024;

    private static final byte[] MAGIC = "GANTRYIT".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + 5 * 4;
    private static final int COUNT_OFFSET = MAGIC.length + 4;

    private ImageTensorFile() {}

    /** Writes a whole tensor at once (built-in sets, tests); decoders use {@link #writer}. */
    public static void write(ImageTensor tensor, Path file) {
        try (Writer writer = writer(file, tensor.channels(), tensor.height(), tensor.width())) {
            int size = tensor.imageBytes();
            for (int i = 0; i < tensor.count(); i++) {
                byte[] image = Arrays.copyOfRange(tensor.pixels(), i * size, (i + 1) * size);
                if (tensor.labeled()) {
                    writer.append(image, tensor.labels()[i]);
                } else {
                    writer.append(image);
                }
            }
            writer.finish(tensor.classNames());
        }
    }

    /**
     * A writer that streams images into {@code file} (created or truncated). Call {@link
     * Writer#finish} after the last image; a writer closed without it leaves an incomplete file
     * that its owner must delete.
     */
    public static Writer writer(Path file, int channels, int height, int width) {
        checkShape(channels, height, width);
        try {
            return new Writer(file, channels, height, width);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends images of one shape; labeled or not, consistently. Not thread-safe. */
    public static final class Writer implements Closeable {

        private final FileChannel channel;
        private final DataOutputStream out;
        private final int imageBytes;
        private int count;
        private int[] labels = new int[1024];
        private Boolean labeled;
        private boolean finished;

        private Writer(Path file, int channels, int height, int width) throws IOException {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
            this.imageBytes = channels * height * width;
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(0); // the count, filled in by finish
            out.writeInt(channels);
            out.writeInt(height);
            out.writeInt(width);
        }

        public int count() {
            return count;
        }

        /** Images that still fit before the file would pass {@link #MAX_PIXEL_BYTES}. */
        public long room() {
            return (MAX_PIXEL_BYTES - (long) count * imageBytes) / imageBytes;
        }

        public void append(byte[] image) {
            add(image, false, 0);
        }

        /** @param label the class index, below the size of the class list given to {@link #finish} */
        public void append(byte[] image, int label) {
            if (label < 0 || label >= MAX_CLASSES) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + MAX_CLASSES + ")");
            }
            add(image, true, label);
        }

        private void add(byte[] image, boolean withLabel, int label) {
            if (finished) {
                throw new IllegalStateException("the writer is finished");
            }
            if (image.length != imageBytes) {
                throw new IllegalArgumentException(
                        "an image of " + image.length + " bytes; this file's take " + imageBytes);
            }
            if (labeled != null && labeled != withLabel) {
                throw new IllegalStateException("labeled and unlabeled images in one file");
            }
            if (room() < 1) {
                throw new IllegalStateException("the pixels would pass " + MAX_PIXEL_BYTES + " bytes");
            }
            labeled = withLabel;
            try {
                out.write(image);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (withLabel) {
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, labels.length * 2);
                }
                labels[count] = label;
            }
            count++;
        }

        /**
         * Writes the class names and labels and fills in the count. A labeled file needs a name
         * for every label used; an unlabeled one takes an empty list.
         */
        public void finish(List<String> classNames) {
            if (finished) {
                throw new IllegalStateException("the writer is finished");
            }
            boolean withLabels = Boolean.TRUE.equals(labeled) || (labeled == null && !classNames.isEmpty());
            if (!withLabels && !classNames.isEmpty()) {
                throw new IllegalArgumentException("class names for an unlabeled file");
            }
            if (withLabels && (classNames.isEmpty() || classNames.size() > MAX_CLASSES)) {
                throw new IllegalArgumentException(
                        "a labeled file needs 1 to " + MAX_CLASSES + " classes, got " + classNames.size());
            }
            try {
                out.writeInt(classNames.size());
                for (String name : classNames) {
                    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                    if (utf8.length == 0 || utf8.length > MAX_CLASS_NAME_BYTES) {
                        throw new IllegalArgumentException("class name of " + utf8.length + " bytes");
                    }
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
                if (withLabels) {
                    for (int i = 0; i < count; i++) {
                        if (labels[i] >= classNames.size()) {
                            throw new IllegalArgumentException(
                                    "label " + labels[i] + " but only " + classNames.size() + " classes");
                        }
                        out.writeInt(labels[i]);
                    }
                }
                out.flush();
                channel.write(ByteBuffer.allocate(4).putInt(0, count), COUNT_OFFSET);
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finished = true;
        }

        @Override
        public void close() {
            try (channel) {
                if (channel.isOpen()) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @throws InvalidImageTensorFileException when the file is not a complete, valid tensor file */
    public static ImageTensor read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a whole tensor file from a stream of known length. The length is checked against
     * what the header claims before the pixels are allocated, so a lying header cannot make the
     * reader allocate two gigabytes for a short file.
     *
     * @param size the stream's length in bytes
     * @throws InvalidImageTensorFileException when the bytes are not a complete, valid tensor file
     */
    public static ImageTensor read(InputStream stream, long size) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        try {
            Header header = header(in, size);
            int count = header.count;
            int channels = header.channels;
            int height = header.height;
            int width = header.width;
            long pixelBytes = header.pixelBytes();
            long expectedAtLeast = HEADER_BYTES + pixelBytes + 4;
            if (size < expectedAtLeast) {
                throw invalid("truncated: " + count + " images need at least " + expectedAtLeast
                        + " bytes, the file has " + size);
            }
            byte[] pixels = new byte[(int) pixelBytes];
            in.readFully(pixels);
            int classCount = in.readInt();
            if (classCount < 0 || classCount > MAX_CLASSES) {
                throw invalid("class count " + classCount + " outside [0, " + MAX_CLASSES + "]");
            }
            long consumed = expectedAtLeast;
            List<String> classNames = new ArrayList<>(classCount);
            for (int k = 0; k < classCount; k++) {
                int length = in.readInt();
                if (length < 1 || length > MAX_CLASS_NAME_BYTES) {
                    throw invalid("class " + k + " has a name of " + length + " bytes, outside [1, "
                            + MAX_CLASS_NAME_BYTES + "]");
                }
                consumed += 4 + length;
                if (consumed > size) {
                    throw invalid("truncated in the class names");
                }
                classNames.add(utf8(in.readNBytes(length), k));
            }
            int[] labels = null;
            if (classCount > 0) {
                if (consumed + 4L * count > size) {
                    throw invalid("truncated: " + count + " labels need " + 4L * count + " bytes, " + (size - consumed)
                            + " are left");
                }
                labels = new int[count];
                for (int i = 0; i < count; i++) {
                    labels[i] = in.readInt();
                    if (labels[i] < 0 || labels[i] >= classCount) {
                        throw invalid("image " + i + " has label " + labels[i] + ", outside [0, " + classCount + ")");
                    }
                }
                consumed += 4L * count;
            }
            if (consumed != size || in.read() != -1) {
                throw invalid("trailing bytes after the labels (" + size + " bytes, " + consumed + " expected)");
            }
            return new ImageTensor(count, channels, height, width, pixels, labels, classNames);
        } catch (EOFException e) {
            throw invalid("truncated: the data ends before the header's sizes say it should", e);
        }
    }

    /**
     * The first {@code limit} images of a tensor file, unlabeled, without reading the rest: what a
     * preview needs of a set of two gigabytes. The header is checked as {@link #read} does.
     */
    public static ImageTensor readFirst(InputStream stream, long size, int limit) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        try {
            Header header = header(in, size);
            if (header.pixelBytes() > size - HEADER_BYTES) {
                throw invalid("truncated: " + header.count + " images do not fit its " + size + " bytes");
            }
            int count = header.count;
            int channels = header.channels;
            int height = header.height;
            int width = header.width;
            int n = Math.min(count, limit);
            byte[] pixels = new byte[n * channels * height * width];
            in.readFully(pixels);
            return new ImageTensor(n, channels, height, width, pixels, null, List.of());
        } catch (EOFException e) {
            throw invalid("truncated: the data ends before the header's sizes say it should", e);
        }
    }

    private record Header(int count, int channels, int height, int width) {

        long pixelBytes() {
            return (long) count * channels * height * width;
        }
    }

    /** Magic, version and sizes, each checked; the pixel count against what one file holds. */
    private static Header header(DataInputStream in, long size) throws IOException {
        if (size < HEADER_BYTES) {
            throw invalid("truncated: " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
            throw invalid("not a Gantry image tensor file (bad magic)");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw invalid("format version " + version + " is not supported; this build reads " + FORMAT_VERSION);
        }
        Header header = new Header(in.readInt(), in.readInt(), in.readInt(), in.readInt());
        if (header.count < 0) {
            throw invalid("negative image count " + header.count);
        }
        try {
            checkShape(header.channels, header.height, header.width);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (header.pixelBytes() > MAX_PIXEL_BYTES) {
            throw invalid(header.count + " images of " + header.channels + "×" + header.height + "×" + header.width
                    + " need " + header.pixelBytes() + " bytes, more than the " + MAX_PIXEL_BYTES + " one file holds");
        }
        return header;
    }

    private static void checkShape(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || height > MAX_SIDE || width < 1 || width > MAX_SIDE) {
            throw new IllegalArgumentException(
                    "height and width must be between 1 and " + MAX_SIDE + ", got " + height + "×" + width);
        }
    }

    private static String utf8(byte[] bytes, int index) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("class " + index + " has a name that is not UTF-8");
        }
    }

    private static InvalidImageTensorFileException invalid(String message) {
        return new InvalidImageTensorFileException("image tensor file: " + message);
    }

    private static InvalidImageTensorFileException invalid(String message, Throwable cause) {
        return new InvalidImageTensorFileException("image tensor file: " + message, cause);
    }
}
