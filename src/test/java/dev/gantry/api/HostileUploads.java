package dev.gantry.api;

import static dev.gantry.testsupport.DatasetFiles.gray;
import static dev.gantry.testsupport.DatasetFiles.png;

import dev.gantry.testsupport.DatasetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Malformed and hostile dataset uploads for {@link HostileUploadPropertyTest}, drawn from a seed:
 * each category has a few variants, and sizes, seeds, names and cut points are drawn per case.
 * Every case says what the server must answer: a refusal (status and field), a dataset that ends
 * {@code FAILED}, or one that ends {@code READY} with a given shape. Limits assumed are the test's:
 * upload 8 MB, 1000 entries, 2 MB per entry, 4 MB inflated in all, ratio 100 after 1 MB.
 */
final class HostileUploads {

    enum Outcome {
        REFUSED,
        FAILED,
        /** Either is right: where the cut falls decides whether the header is readable at upload time. */
        FAILED_OR_REFUSED,
        READY
    }

    /**
     * @param status the expected status of a refusal
     * @param field the field a 400 must name, or null
     * @param reason a fragment the FAILED reason must contain, or null
     * @param shape count, channels, height, width of a READY set
     */
    record Case(
            String category,
            String description,
            String query,
            String contentType,
            byte[] body,
            boolean chunked,
            Outcome outcome,
            int status,
            String field,
            String reason,
            int[] shape) {}

    static final long MAX_UPLOAD = 8L << 20;

    static final List<String> CATEGORIES = List.of(
            "zip-slip",
            "symlink",
            "zip-bomb",
            "many-entries",
            "nested-archive",
            "non-image",
            "corrupt-image",
            "pixel-bomb",
            "decodable",
            "idx-lies",
            "gzip-truncated",
            "npy-hostile",
            "duplicate-names",
            "empty",
            "content-type",
            "request-fields",
            "too-large",
            "not-a-dataset");

    private static final String ZIP = "application/zip";
    private static final String BYTES = "application/octet-stream";

    private final SplittableRandom random;

    HostileUploads(long seed) {
        this.random = new SplittableRandom(seed);
    }

    Case next(String category) {
        List<Supplier<Case>> variants = variants(category);
        return variants.get(random.nextInt(variants.size())).get();
    }

    private List<Supplier<Case>> variants(String category) {
        return switch (category) {
            case "zip-slip" ->
                List.of(() -> {
                    String name = pick(
                            "../evil.png",
                            "a/../../evil.png",
                            "/etc/evil.png",
                            "C:\\evil.png",
                            "a\\..\\evil.png",
                            "a//evil.png",
                            "./evil.png",
                            "cats/./evil.png",
                            "cats/..");
                    return refusedZip(
                            category,
                            "entry named " + name,
                            DatasetFiles.zip(entries(name, image(), "ok/fine.png", image())));
                });
            case "symlink" ->
                List.of(() ->
                        refused(category, "a symbolic link entry", "?name=" + name(), ZIP, symlinkZip(), 400, "file"));
            case "zip-bomb" ->
                List.of(
                        () -> refusedZip(
                                category,
                                "an honest entry inflating past the ratio",
                                DatasetFiles.zip(entries("bomb/a.png", bombPng(), "bomb/b.png", image()))),
                        () -> failed(
                                category,
                                "an entry lying about its size, inflating past the ratio",
                                DatasetFiles.lyingSizes(
                                        DatasetFiles.zip(entries("bomb/a.png", bombPng(), "bomb/b.png", image())), 100),
                                "max-inflate-ratio"),
                        () -> refusedZip(
                                category,
                                "stored entries declaring more than max-inflated-bytes together",
                                DatasetFiles.storedZip(entries(
                                        "a.png",
                                        flatPng(1200, 1250),
                                        "b.png",
                                        flatPng(1200, 1250),
                                        "c.png",
                                        flatPng(1200, 1250)))),
                        () -> refusedZip(
                                category,
                                "one stored entry over max-entry-bytes",
                                DatasetFiles.storedZip(entries("a.png", flatPng(1600, 1600)))));
            case "many-entries" ->
                List.of(
                        () -> refusedZip(category, "1001 tiny entries", manyEntries(1001)),
                        () -> refusedZip(
                                category,
                                "a ZIP64 end record claiming a million entries",
                                claimMillionEntries(DatasetFiles.zip(entries("a/x.png", image())))));
            case "nested-archive" ->
                List.of(
                        () -> ready(
                                category,
                                "an inner zip beside an image",
                                DatasetFiles.zip(entries(
                                        "inner.zip",
                                        DatasetFiles.zip(entries("x.png", image())),
                                        "y.png",
                                        png(gray(6, 6, seed())))),
                                new int[] {1, 1, 6, 6}),
                        () -> failed(
                                category,
                                "only an inner zip",
                                DatasetFiles.zip(entries("inner.zip", DatasetFiles.zip(entries("x.png", image())))),
                                "nested-archive"));
            case "non-image" ->
                List.of(
                        () -> failed(
                                category,
                                "only text and binary files",
                                DatasetFiles.zip(entries("readme.txt", "hello".getBytes(), "data.bin", noise(300))),
                                "not-an-image"),
                        () -> ready(
                                category,
                                "text beside images",
                                DatasetFiles.zip(entries(
                                        "readme.txt",
                                        "hello".getBytes(),
                                        "a.png",
                                        png(gray(5, 7, seed())),
                                        "b.jpg",
                                        DatasetFiles.jpeg(gray(5, 7, seed())))),
                                new int[] {2, 1, 7, 5}));
            case "corrupt-image" ->
                List.of(
                        () -> failed(
                                category,
                                "a truncated PNG alone",
                                DatasetFiles.zip(entries("a.png", cut(png(gray(16, 16, seed()))))),
                                "corrupt"),
                        () -> ready(
                                category,
                                "truncated PNG and JPEG, noise named .png, beside a good image",
                                DatasetFiles.zip(entries(
                                        "a.png",
                                        cut(png(gray(16, 16, seed()))),
                                        "b.jpg",
                                        cut(DatasetFiles.jpeg(DatasetFiles.rgb(16, 16, seed()))),
                                        "c.png",
                                        pngHeaderThenNoise(),
                                        "d.png",
                                        png(DatasetFiles.rgb(9, 9, seed())))),
                                new int[] {1, 3, 9, 9}));
            case "pixel-bomb" ->
                List.of(
                        () -> failed(
                                category,
                                "a PNG header claiming 100000×100000",
                                DatasetFiles.zip(entries("big.png", DatasetFiles.pngClaiming(100_000, 100_000))),
                                "too-many-pixels"),
                        () -> ready(
                                category,
                                "a 100000×100000 claim beside a real image",
                                DatasetFiles.zip(entries(
                                        "big.png",
                                        DatasetFiles.pngClaiming(100_000, 100_000),
                                        "ok.png",
                                        png(gray(4, 4, seed())))),
                                new int[] {1, 1, 4, 4}));
            case "decodable" ->
                List.of(
                        () -> ready(
                                category,
                                "16-bit gray PNGs",
                                DatasetFiles.zip(entries(
                                        "a.png",
                                        png(DatasetFiles.gray16(6, 5, seed())),
                                        "b.png",
                                        png(DatasetFiles.gray16(6, 5, seed())))),
                                new int[] {2, 1, 5, 6}),
                        () -> ready(
                                category,
                                "a palette PNG",
                                DatasetFiles.zip(entries("p.png", png(DatasetFiles.palette(8, 4)))),
                                new int[] {1, 3, 4, 8}),
                        () -> ready(
                                category,
                                "a translucent PNG",
                                DatasetFiles.zip(entries(
                                        "t.png", png(DatasetFiles.translucent(5, 5, 0x102030, random.nextInt(256))))),
                                new int[] {1, 3, 5, 5}),
                        () -> ready(
                                category,
                                "a CMYK JPEG",
                                DatasetFiles.zip(entries("c.jpg", DatasetFiles.cmykRedJpeg(8, 8))),
                                new int[] {1, 3, 8, 8}),
                        () -> ready(
                                category,
                                "gray and RGB mixed",
                                DatasetFiles.zip(entries(
                                        "g.png",
                                        png(gray(7, 7, seed())),
                                        "c.png",
                                        png(DatasetFiles.rgb(7, 7, seed())))),
                                new int[] {2, 3, 7, 7}),
                        () -> {
                            int side = 6 + random.nextInt(6);
                            return ready(
                                    category,
                                    "mixed sizes",
                                    DatasetFiles.zip(entries(
                                            "a.png", png(gray(side, side + 3, seed())),
                                            "b.jpg", DatasetFiles.jpeg(gray(side + 5, side, seed())),
                                            "c.png", png(gray(side + 9, side + 9, seed())))),
                                    new int[] {3, 1, side, side});
                        });
            case "idx-lies" ->
                List.of(
                        () -> refused(
                                category,
                                "a raw IDX header claiming more images than it holds",
                                "?name=" + name(),
                                BYTES,
                                withCount(DatasetFiles.idxImages(5, 4, 4), 9),
                                400,
                                "file"),
                        () -> failed(
                                category,
                                "a gzip IDX header claiming more images than it holds",
                                DatasetFiles.gzip(withCount(DatasetFiles.idxImages(5, 4, 4), 9)),
                                "ends after 5"),
                        () -> failed(
                                category,
                                "a labels file with fewer labels than images",
                                DatasetFiles.zip(entries(
                                        "t-images-idx3-ubyte",
                                        DatasetFiles.idxImages(4, 3, 3),
                                        "t-labels-idx1-ubyte",
                                        DatasetFiles.idxLabels(1, 2))),
                                "2 labels for 4 images"),
                        () -> {
                            byte[] signed = DatasetFiles.idxImages(2, 3, 3);
                            signed[2] = 0x09;
                            return refused(
                                    category, "an IDX of signed bytes", "?name=" + name(), BYTES, signed, 400, "file");
                        });
            case "gzip-truncated" ->
                List.of(() -> {
                    byte[] gz = DatasetFiles.gzip(DatasetFiles.idxImages(20, 10, 10));
                    int at = 10 + random.nextInt(gz.length - 12);
                    return new Case(
                            category,
                            "a gzip IDX cut at byte " + at + " of " + gz.length,
                            "?name=" + name(),
                            BYTES,
                            Arrays.copyOf(gz, at),
                            false,
                            Outcome.FAILED_OR_REFUSED,
                            400,
                            "file",
                            null,
                            null);
                });
            case "npy-hostile" ->
                List.of(
                        () -> refused(
                                category,
                                "an object-dtype NPY (pickles)",
                                "?name=" + name(),
                                BYTES,
                                DatasetFiles.npy("|O", new long[] {2}, noise(16)),
                                400,
                                "file"),
                        () -> failed(
                                category,
                                "an object-dtype labels.npy in a ZIP",
                                DatasetFiles.zip(entries(
                                        "images.npy",
                                        DatasetFiles.npyImages(2, 3, 3, 0),
                                        "labels.npy",
                                        DatasetFiles.npy("|O", new long[] {2}, noise(16)))),
                                "dtype object"),
                        () -> refused(
                                category,
                                "a float32 NPY",
                                "?name=" + name(),
                                BYTES,
                                DatasetFiles.npy("<f4", new long[] {1, 2, 2}, new byte[16]),
                                400,
                                "file"),
                        () -> refused(
                                category,
                                "an NPY shorter than its shape",
                                "?name=" + name(),
                                BYTES,
                                cutTail(DatasetFiles.npyImages(3, 4, 4, 0)),
                                400,
                                "file"),
                        () -> refused(
                                category,
                                "a Fortran-ordered NPY",
                                "?name=" + name(),
                                BYTES,
                                fortran(DatasetFiles.npyImages(2, 3, 3, 0)),
                                400,
                                "file"),
                        () -> refused(
                                category,
                                "an NPY header that is code",
                                "?name=" + name(),
                                BYTES,
                                codeHeader(),
                                400,
                                "file"));
            case "duplicate-names" ->
                List.of(() -> refusedZip(
                        category,
                        "two entries of one name",
                        rename(
                                DatasetFiles.zip(entries("d/x.png", image(), "d/y.png", image())),
                                "d/y.png",
                                "d/x.png")));
            case "empty" ->
                List.of(
                        () -> refused(category, "an empty body", "?name=" + name(), ZIP, new byte[0], 400, "file"),
                        () -> refusedZip(category, "a ZIP without entries", emptyZip()),
                        () -> refusedZip(
                                category, "a ZIP of folders only", DatasetFiles.zip(entries("a/", null, "b/", null))));
            case "content-type" ->
                List.of(
                        () -> refused(
                                category, "JSON", "?name=" + name(), "application/json", "{}".getBytes(), 415, null),
                        () -> refused(category, "text", "?name=" + name(), "text/plain", "hello".getBytes(), 415, null),
                        () -> refused(
                                category,
                                "a form",
                                "?name=" + name(),
                                "application/x-www-form-urlencoded",
                                "name=x".getBytes(),
                                415,
                                null),
                        () -> refused(category, "image/png", "?name=" + name(), "image/png", image(), 415, null),
                        () -> refused(
                                category,
                                "multipart without a boundary",
                                "",
                                "multipart/form-data",
                                "--x\r\n".getBytes(),
                                400,
                                "file"));
            case "request-fields" -> requestFields(category);
            case "too-large" ->
                List.of(
                        () -> refused(
                                category,
                                "a declared length over the cap",
                                "?name=" + name(),
                                ZIP,
                                new byte[(int) MAX_UPLOAD + 1 + random.nextInt(1000)],
                                413,
                                null),
                        () -> new Case(
                                category,
                                "a chunked body passing the cap",
                                "?name=" + name(),
                                ZIP,
                                new byte[(int) MAX_UPLOAD + 1 + random.nextInt(1000)],
                                true,
                                Outcome.REFUSED,
                                413,
                                null,
                                null,
                                null));
            case "not-a-dataset" ->
                List.of(
                        () -> refused(category, "a single PNG", "?name=" + name(), BYTES, image(), 400, "file"),
                        () -> refused(
                                category,
                                "random bytes",
                                "?name=" + name(),
                                BYTES,
                                noise(1 + random.nextInt(500)),
                                400,
                                "file"),
                        () -> refused(
                                category,
                                "a truncated ZIP",
                                "?name=" + name(),
                                ZIP,
                                Arrays.copyOf(DatasetFiles.zip(entries("a.png", image())), 40),
                                400,
                                "file"));
            default -> throw new IllegalArgumentException(category);
        };
    }

    private List<Supplier<Case>> requestFields(String category) {
        byte[] zip = DatasetFiles.zip(entries("a.png", image()));
        return List.of(
                () -> refused(category, "no name", "", ZIP, zip, 400, "name"),
                () -> refused(
                        category,
                        "a bad name",
                        "?name=" + pick("%20x", "a/b", "..", "-x", "x%00", "%C3%A9"),
                        ZIP,
                        zip,
                        400,
                        "name"),
                () -> refused(category, "the name twice", "?name=a&name=b", ZIP, zip, 400, "name"),
                () -> refused(category, "an unknown parameter", "?name=a&colour=red", ZIP, zip, 400, "colour"),
                () -> refused(category, "a broken percent-escape", "?name=%ZZ", ZIP, zip, 400, "name"),
                () -> refused(
                        category,
                        "an unknown format",
                        "?name=a&format=" + pick("tar", "ZIP", "npz", ""),
                        ZIP,
                        zip,
                        400,
                        "format"),
                () -> refused(
                        category,
                        "a format the content contradicts",
                        "?name=a&format=" + pick("idx", "npy"),
                        ZIP,
                        zip,
                        400,
                        "format"),
                () -> multipart(
                        category, "the file before the name", entries("file", zip, "name", "x".getBytes()), "name"),
                () -> multipart(category, "no file part", entries("name", "x".getBytes()), "file"),
                () -> multipart(
                        category,
                        "an unknown part",
                        entries("name", "x".getBytes(), "colour", "red".getBytes(), "file", zip),
                        "colour"),
                () -> multipart(
                        category,
                        "a part after the file",
                        entries("name", "x".getBytes(), "file", zip, "format", "zip".getBytes()),
                        "format"),
                () -> {
                    DatasetFiles.Multipart m = DatasetFiles.multipart(entries("name", "x".getBytes(), "file", zip));
                    byte[] cut = Arrays.copyOf(m.body(), m.body().length - 10);
                    return refused(
                            category,
                            "a multipart body without its closing boundary",
                            "",
                            m.contentType(),
                            cut,
                            400,
                            "file");
                });
    }

    private Case multipart(String category, String description, Map<String, byte[]> parts, String field) {
        DatasetFiles.Multipart m = DatasetFiles.multipart(parts);
        return refused(category, description, "", m.contentType(), m.body(), 400, field);
    }

    private Case refused(
            String category,
            String description,
            String query,
            String contentType,
            byte[] body,
            int status,
            String field) {
        return new Case(
                category, description, query, contentType, body, false, Outcome.REFUSED, status, field, null, null);
    }

    private Case refusedZip(String category, String description, byte[] zip) {
        return refused(category, description, "?name=" + name(), ZIP, zip, 400, "file");
    }

    private Case failed(String category, String description, byte[] zip, String reason) {
        return new Case(
                category, description, "?name=" + name(), ZIP, zip, false, Outcome.FAILED, 0, null, reason, null);
    }

    private Case ready(String category, String description, byte[] zip, int[] shape) {
        return new Case(category, description, "?name=" + name(), ZIP, zip, false, Outcome.READY, 0, null, null, shape);
    }

    private long seed() {
        return random.nextLong();
    }

    private String name() {
        return "hostile-" + random.nextInt(1_000_000);
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private byte[] image() {
        return png(gray(4, 4, seed()));
    }

    private byte[] noise(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** A valid image cut somewhere past its signature, before its last fifth (PNG's IEND, JPEG's last scan). */
    private byte[] cut(byte[] bytes) {
        return Arrays.copyOf(bytes, 9 + random.nextInt(bytes.length * 4 / 5 - 9));
    }

    private byte[] cutTail(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length - 1 - random.nextInt(8));
    }

    private byte[] pngHeaderThenNoise() {
        byte[] good = png(gray(12, 12, seed()));
        byte[] broken = good.clone();
        for (int i = 41; i < broken.length - 12; i++) {
            broken[i] = (byte) random.nextInt(256);
        }
        return broken;
    }

    /** Deflates about a thousandfold in a ZIP: 1.2 MB of stored zeros behind a PNG header. */
    private static byte[] bombPng() {
        return DatasetFiles.uncompressedPng(1200, 1000);
    }

    /** Stored zlib, so its size is its pixel count: stored in a ZIP, it inflates to exactly that. */
    private static byte[] flatPng(int width, int height) {
        return DatasetFiles.uncompressedPng(width, height);
    }

    /** Only an end of central directory record: the smallest valid ZIP, which java.util.zip will not write. */
    private static byte[] emptyZip() {
        byte[] zip = new byte[22];
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50);
        return zip;
    }

    private static byte[] withCount(byte[] idx, int count) {
        byte[] copy = idx.clone();
        ByteBuffer.wrap(copy).putInt(4, count);
        return copy;
    }

    private static byte[] fortran(byte[] npy) {
        return replace(npy, "'fortran_order': False", "'fortran_order': True ");
    }

    private static byte[] codeHeader() {
        byte[] npy = DatasetFiles.npyImages(1, 2, 2, 0);
        // The header is read as data, never evaluated: a call where the dtype should be is malformed.
        return replace(npy, "'descr': '|u1'", "'descr': exec(");
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (from.length() != to.length()) {
            to = (to + " ".repeat(from.length())).substring(0, from.length());
        }
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] rename(byte[] zip, String from, String to) {
        return replace(zip, from, to);
    }

    private byte[] manyEntries(int count) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x/a.png", image());
        for (int i = 1; i < count; i++) {
            entries.put("x/" + i + ".txt", new byte[0]);
        }
        return DatasetFiles.zip(entries);
    }

    /** Appends a ZIP64 end record claiming a million entries, and points the end record at it. */
    private static byte[] claimMillionEntries(byte[] zip) {
        ByteBuffer in = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22;
        long cdSize = Integer.toUnsignedLong(in.getInt(end + 12));
        long cdOffset = Integer.toUnsignedLong(in.getInt(end + 16));
        ByteBuffer out = ByteBuffer.allocate(zip.length + 56 + 20).order(ByteOrder.LITTLE_ENDIAN);
        out.put(zip, 0, end);
        long zip64End = end;
        out.putInt(0x06064b50)
                .putLong(44)
                .putShort((short) 45)
                .putShort((short) 45)
                .putInt(0)
                .putInt(0);
        out.putLong(1_000_000).putLong(1_000_000).putLong(cdSize).putLong(cdOffset);
        out.putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1);
        out.put(zip, end, 22);
        out.putShort(zip.length + 76 - 22 + 8, (short) 0xFFFF).putShort(zip.length + 76 - 22 + 10, (short) 0xFFFF);
        return out.array();
    }

    private byte[] symlinkZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            ZipArchiveEntry ok = new ZipArchiveEntry("ok.png");
            zip.putArchiveEntry(ok);
            zip.write(image());
            zip.closeArchiveEntry();
            ZipArchiveEntry link = new ZipArchiveEntry(pick("link.png", "cats/link.png"));
            link.setUnixMode(UnixStat.LINK_FLAG | 0777);
            zip.putArchiveEntry(link);
            zip.write(pick("/etc/passwd", "../../secret").getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Name, bytes, name, bytes…, kept in order. */
    private static Map<String, byte[]> entries(Object... nameThenBytes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            entries.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return entries;
    }

    static List<String> categories() {
        return new ArrayList<>(CATEGORIES);
    }
}
