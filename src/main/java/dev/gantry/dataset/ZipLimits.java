package dev.gantry.dataset;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * The zip-bomb limits of one upload, and the stream that enforces them. As Apache POI's {@code
 * ZipArchiveThresholdInputStream} does, the limits are checked on every read of inflated bytes,
 * never trusted from the entry headers (which a bomb lies in), and a violation names the setting
 * to raise. One instance per upload: the total counts across its entries.
 */
final class ZipLimits {

    private final int maxEntries;
    private final long maxEntryBytes;
    private final long maxInflatedBytes;
    private final int maxInflateRatio;
    private final long graceBytes;
    private long inflated;
    // The first limit broken. Readers that wrap streams (ImageIO) may swallow or rewrap the
    // exception; the decoder asks here after every entry, so a bomb is never mistaken for a corrupt image.
    private DatasetContentException violation;

    ZipLimits(int maxEntries, long maxEntryBytes, long maxInflatedBytes, int maxInflateRatio, long graceBytes) {
        this.maxEntries = maxEntries;
        this.maxEntryBytes = maxEntryBytes;
        this.maxInflatedBytes = maxInflatedBytes;
        this.maxInflateRatio = maxInflateRatio;
        this.graceBytes = graceBytes;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** The entry count, checked before a ZIP's directory is read. */
    void checkEntryCount(long entries) {
        if (entries > maxEntries) {
            throw new DatasetContentException("the ZIP has " + entries + " entries, more than "
                    + "gantry.datasets.max-entries (" + maxEntries + ")");
        }
    }

    /** What an entry's header claims; a liar is caught by {@link #open} as it inflates. */
    void checkDeclared(String name, long compressed, long size) {
        if (size > maxEntryBytes) {
            throw new DatasetContentException("entry '" + name + "' inflates to " + size
                    + " bytes, more than gantry.datasets.max-entry-bytes (" + maxEntryBytes + ")");
        }
        if (size > graceBytes && compressed >= 0 && size > compressed * maxInflateRatio) {
            throw ratioExceeded(name, size, compressed);
        }
    }

    void checkDeclaredTotal(long size) {
        if (size > maxInflatedBytes) {
            throw new DatasetContentException("the entries declare " + size
                    + " bytes inflated, more than gantry.datasets.max-inflated-bytes (" + maxInflatedBytes + ")");
        }
    }

    /** @throws DatasetContentException when a read of this upload has broken a limit */
    void throwIfViolated() {
        if (violation != null) {
            throw violation;
        }
    }

    private DatasetContentException violated(DatasetContentException e) {
        if (violation == null) {
            violation = e;
        }
        return e;
    }

    /** Wraps an entry's inflating stream: every read is checked against the limits. */
    InputStream open(String name, InputStream entry) {
        return new Checked(name, entry);
    }

    private DatasetContentException ratioExceeded(String name, long size, long compressed) {
        return new DatasetContentException("entry '" + name + "' inflates " + size + " bytes from " + compressed
                + ", a ratio above gantry.datasets.max-inflate-ratio (" + maxInflateRatio + "); a zip bomb?");
    }

    private final class Checked extends FilterInputStream {

        private final String name;
        private long entryBytes;

        Checked(String name, InputStream in) {
            super(in);
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes are inflated too: count them by reading.
            return readAway(n);
        }

        private long readAway(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        private void count(int n) {
            entryBytes += n;
            inflated += n;
            if (entryBytes > maxEntryBytes) {
                throw violated(new DatasetContentException("entry '" + name + "' inflates past "
                        + "gantry.datasets.max-entry-bytes (" + maxEntryBytes + ")"));
            }
            if (inflated > maxInflatedBytes) {
                throw violated(new DatasetContentException(
                        "the ZIP's entries inflate past gantry.datasets.max-inflated-bytes (" + maxInflatedBytes
                                + ") together"));
            }
            if (entryBytes > graceBytes && in instanceof InputStreamStatistics stats) {
                long compressed = stats.getCompressedCount();
                if (entryBytes > compressed * maxInflateRatio) {
                    throw violated(ratioExceeded(name, entryBytes, compressed));
                }
            }
        }
    }
}
