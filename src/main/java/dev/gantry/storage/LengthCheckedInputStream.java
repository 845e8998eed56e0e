package dev.gantry.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A download that must deliver exactly its announced length: an end of stream before it (a
 * connection closed mid-body) or bytes past it throw, so a truncated transfer never passes for a
 * complete, shorter object. HTTP clients usually notice a short body themselves; this does not
 * depend on which client it is.
 */
final class LengthCheckedInputStream extends FilterInputStream {

    private final long expected;
    private final String key;
    private long received;

    LengthCheckedInputStream(InputStream in, Long expected, String key) {
        super(in);
        this.expected = expected == null ? -1 : expected;
        this.key = key;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n != 0 || length == 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        received += skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(int n) throws IOException {
        if (expected < 0) {
            return;
        }
        if (n < 0) {
            if (received != expected) {
                throw new IOException("Object '" + key + "' was truncated in transfer: " + received + " of " + expected
                        + " bytes arrived");
            }
            return;
        }
        received += n;
        if (received > expected) {
            throw new IOException(
                    "Object '" + key + "' sent more than its " + expected + " bytes (" + received + " so far)");
        }
    }
}
