package dev.gantry.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tells what an upload is from its first bytes and its structure, without decoding a pixel: the
 * checks cheap enough to answer before the upload is accepted. Anything found here is a 400
 * naming the request field at fault, and nothing of the upload is kept. What only decoding can
 * find (a lying gzip, a corrupt image) ends the dataset {@code FAILED} instead.
 */
final class UploadInspector {

    /** How the upload holds its format's files. */
    enum Container {
        RAW,
        GZIP,
        ZIP
    }

    record Inspection(DatasetFormat format, Container container) {}

    private static final byte[] ZIP_ENTRY = {'P', 'K', 3, 4};
    private static final byte[] ZIP_EMPTY = {'P', 'K', 5, 6};
    private static final byte[] IDX_IMAGES = {0, 0, 8, 3};
    private static final byte[] GZIP = {(byte) 0x1f, (byte) 0x8b};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private UploadInspector() {}

    /**
     * @param declared the format the client named, or null
     * @throws InvalidUploadException naming {@code file} or {@code format}
     */
    static Inspection inspect(Path file, long size, DatasetFormat declared, ZipLimits limits) throws IOException {
        if (size == 0) {
            throw new InvalidUploadException("file", "is empty");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        }
        Inspection found;
        try {
            if (startsWith(head, ZIP_ENTRY) || startsWith(head, ZIP_EMPTY)) {
                found = zip(file, limits);
            } else if (startsWith(head, NpyHeader.MAGIC)) {
                NpyDecoder.checkRaw(file, size);
                found = new Inspection(DatasetFormat.NPY, Container.RAW);
            } else if (startsWith(head, IDX_IMAGES)) {
                IdxDecoder.checkRaw(file, size);
                found = new Inspection(DatasetFormat.IDX, Container.RAW);
            } else if (startsWith(head, GZIP)) {
                IdxDecoder.checkGzip(file);
                found = new Inspection(DatasetFormat.IDX, Container.GZIP);
            } else if (startsWith(head, PNG) || startsWith(head, JPEG)) {
                throw new DatasetContentException("is a single image; upload a ZIP of PNG or JPEG files");
            } else {
                throw new DatasetContentException("is not a ZIP of images, an IDX file (raw or gzip) or an NPY file");
            }
        } catch (DatasetContentException e) {
            throw new InvalidUploadException("file", e.getMessage());
        }
        if (declared != null && declared != found.format()) {
            throw new InvalidUploadException(
                    "format", "is '" + declared.id() + "', but the upload is " + describe(found));
        }
        return found;
    }

    private static Inspection zip(Path file, ZipLimits limits) throws IOException {
        try (ZipDirectory zip = ZipDirectory.open(file, limits)) {
            if (zip.files().isEmpty()) {
                throw new DatasetContentException("is a ZIP without files");
            }
            if (NpyDecoder.entries(zip.files()) != null) {
                return new Inspection(DatasetFormat.NPY, Container.ZIP);
            }
            if (IdxDecoder.entries(zip.files()) != null) {
                return new Inspection(DatasetFormat.IDX, Container.ZIP);
            }
            return new Inspection(DatasetFormat.ZIP, Container.ZIP);
        }
    }

    private static String describe(Inspection found) {
        return switch (found.format()) {
            case ZIP -> "a ZIP of images";
            case IDX -> found.container() == Container.ZIP ? "a ZIP of IDX files" : "an IDX file";
            case NPY -> found.container() == Container.ZIP ? "a ZIP of NPY arrays" : "an NPY array";
        };
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
