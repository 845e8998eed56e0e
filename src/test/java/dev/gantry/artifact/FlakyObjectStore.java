package dev.gantry.artifact;

import dev.gantry.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real object store whose next puts fail half-way through the upload, the way a full disk or a
 * dropped connection fails them. Injected because neither can be produced on demand on this
 * machine (tests run as root, so a read-only folder would still be written). The failure happens
 * inside the real store's write: what it leaves behind is the store's own doing.
 */
final class FlakyObjectStore implements ObjectStore {

    private final ObjectStore real;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();

    FlakyObjectStore(ObjectStore real) {
        this.real = real;
    }

    /** The next {@code count} puts fail; {@link Integer#MAX_VALUE} for an outage that does not end. */
    void failNextPuts(int count) {
        failuresLeft.set(count);
    }

    int puts() {
        return puts.get();
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        puts.incrementAndGet();
        if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            real.put(key, new FailingHalfWay(content));
            throw new AssertionError("the store accepted a stream that failed");
        }
        real.put(key, content);
    }

    @Override
    public InputStream open(String key) {
        return real.open(key);
    }

    @Override
    public boolean exists(String key) {
        return real.exists(key);
    }

    @Override
    public long size(String key) {
        return real.size(key);
    }

    @Override
    public void delete(String key) {
        real.delete(key);
    }

    @Override
    public List<String> list(String prefix) {
        return real.list(prefix);
    }

    /** Hands out some bytes, then fails like a broken device. */
    private static final class FailingHalfWay extends FilterInputStream {
        private int handedOut;

        FailingHalfWay(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            check(1);
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(len);
            int n = super.read(b, off, Math.min(len, 64));
            handedOut += Math.max(n, 0);
            return n;
        }

        private void check(int wanted) throws IOException {
            if (handedOut >= 64) {
                throw new IOException("No space left on device (injected)");
            }
        }
    }
}
