package dev.gantry.storage;

import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.springframework.util.unit.DataSize;

/**
 * Run in a JVM of its own with a small heap by {@link S3ObjectStoreTest}: puts a generated stream
 * of unknown length, larger than the heap, through the S3 store (credentials from the
 * environment, as a worker gets them), and prints the SHA-256 of what it sent.
 *
 * <p>Arguments: endpoint, bucket, key, size in MiB.
 */
public final class S3UploadProbe {

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        long size = Long.parseLong(args[3]) << 20;
        StorageProperties.S3 settings =
                new StorageProperties.S3(bucket, "", endpoint, "us-east-1", true, DataSize.ofMegabytes(5), 4);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (S3ObjectStore store = new S3ObjectStore(
                        S3Clients.create(settings),
                        bucket,
                        "",
                        settings.partSize().toBytes());
                InputStream in = new DigestInputStream(new Generated(size), sha)) {
            store.put(args[2], in);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("sha256=" + HexFormat.of().formatHex(sha.digest()));
        System.out.println("maxHeapMiB=" + (rt.maxMemory() >> 20));
    }

    /** {@code size} pseudo-random bytes, made as they are read; its length is nowhere to be asked. */
    static final class Generated extends InputStream {
        private final SplittableRandom random = new SplittableRandom(20261130);
        private long remaining;

        Generated(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            remaining -= n;
            return n;
        }
    }
}
