package dev.gantry.dataset;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;

/**
 * A ZIP upload's central directory, checked before any entry is inflated: the entry count (read
 * from the end record first, so a million entries are refused without a million objects), names
 * that would escape a folder (zip-slip: {@code ../x}, {@code /etc/x}, {@code C:\x}, backslashes,
 * control characters), symbolic links, duplicate names, encryption, and the sizes the entries
 * declare. Nothing is ever extracted to disk; the checks keep class names sane and bombs out.
 */
final class ZipDirectory implements Closeable {

    private final ZipFile zip;
    private final List<ZipArchiveEntry> files;
    private final ZipLimits limits;

    private ZipDirectory(ZipFile zip, List<ZipArchiveEntry> files, ZipLimits limits) {
        this.zip = zip;
        this.files = files;
        this.limits = limits;
    }

    /**
     * @throws DatasetContentException naming the entry or limit at fault
     */
    static ZipDirectory open(Path file, ZipLimits limits) throws IOException {
        long declared = entryCount(file);
        if (declared < 0) {
            throw new DatasetContentException("is not a readable ZIP archive: no end of central directory record");
        }
        limits.checkEntryCount(declared);
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(file).get();
        } catch (IOException | RuntimeException e) {
            throw new DatasetContentException("is not a readable ZIP archive: " + e.getMessage());
        }
        try {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
            limits.checkEntryCount(entries.size());
            Set<String> names = new HashSet<>();
            List<ZipArchiveEntry> files = new ArrayList<>();
            long declaredTotal = 0;
            for (ZipArchiveEntry entry : entries) {
                String name = entry.getName();
                String problem = unsafe(name);
                if (problem != null) {
                    throw new DatasetContentException("entry '" + printable(name) + "' " + problem);
                }
                if (!names.add(name)) {
                    throw new DatasetContentException("entry '" + printable(name) + "' appears twice");
                }
                if (entry.isUnixSymlink()) {
                    throw new DatasetContentException("entry '" + printable(name) + "' is a symbolic link");
                }
                if (entry.getGeneralPurposeBit().usesEncryption()) {
                    throw new DatasetContentException("entry '" + printable(name) + "' is encrypted");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.getSize() >= 0) {
                    limits.checkDeclared(printable(name), entry.getCompressedSize(), entry.getSize());
                    declaredTotal += entry.getSize();
                }
                files.add(entry);
            }
            limits.checkDeclaredTotal(declaredTotal);
            return new ZipDirectory(zip, files, limits);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The files (no directories), in central-directory order. */
    List<ZipArchiveEntry> files() {
        return files;
    }

    /** Stored or deflated: what this reader inflates. */
    static boolean supported(ZipArchiveEntry entry) {
        return entry.getMethod() == ZipMethod.STORED.getCode() || entry.getMethod() == ZipMethod.DEFLATED.getCode();
    }

    /** The entry's bytes, every read checked against the upload's limits. */
    InputStream open(ZipArchiveEntry entry) throws IOException {
        return limits.open(printable(entry.getName()), zip.getInputStream(entry));
    }

    /** @throws DatasetContentException when any read so far broke a limit, even if a reader swallowed it */
    void checkLimits() {
        limits.throwIfViolated();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static String unsafe(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.startsWith("/") || name.contains("\\") || (name.length() > 1 && name.charAt(1) == ':')) {
            return "has an absolute or non-portable path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\uFFFD') {
                return "has a control or undecodable character in its name";
            }
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "has an unsafe path: an empty, '.' or '..' segment";
            }
        }
        return null;
    }

    /** Names go into messages: control characters escaped, long ones cut. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 200; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return name.length() > 200 ? out + "…" : out.toString();
    }

    /**
     * The total entry count from the end of central directory record (ZIP64 too), or -1 when
     * there is none. Read before the directory itself, whose parse holds an object per entry.
     */
    static long entryCount(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            int tail = (int) Math.min(size, 22 + 65_535);
            if (tail < 22) {
                return -1;
            }
            ByteBuffer buffer = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(buffer, size - tail);
            for (int i = tail - 22; i >= 0; i--) {
                if (buffer.getInt(i) != 0x06054b50) {
                    continue;
                }
                long total = Short.toUnsignedInt(buffer.getShort(i + 10));
                if (total == 0xFFFF && i >= 20 && buffer.getInt(i - 20) == 0x07064b50) {
                    long zip64End = buffer.getLong(i - 20 + 8);
                    ByteBuffer record = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
                    if (zip64End >= 0
                            && zip64End + 40 <= size
                            && channel.read(record, zip64End) == 40
                            && record.getInt(0) == 0x06064b50) {
                        total = record.getLong(32);
                        return total < 0 ? Long.MAX_VALUE : total;
                    }
                }
                return total;
            }
            return -1;
        }
    }
}
