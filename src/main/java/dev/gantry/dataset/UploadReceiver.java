package dev.gantry.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Streams an upload body to a file while hashing (SHA-256) and counting it, and stops the moment
 * it passes the size cap: a 2 GB upload never sits in memory, and a too-large one costs at most
 * the cap in disk before it is refused.
 */
final class UploadReceiver {

    record Received(long bytes, String sha256) {}

    /** The body stream failed (the client went away, a chunk was malformed): not a server fault. */
    static final class BodyFailed extends RuntimeException {
        BodyFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final long maxBytes;
    private final Clock clock;
    private final Duration reportEvery;

    UploadReceiver(long maxBytes, Clock clock, Duration reportEvery) {
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.reportEvery = reportEvery;
    }

    /**
     * @param progress told the bytes received so far, at most once per {@code reportEvery}
     * @throws UploadTooLargeException as soon as the body passes the cap
     * @throws BodyFailed when reading the body fails
     */
    Received receive(InputStream body, Path target, LongConsumer progress) throws IOException {
        MessageDigest sha256 = sha256();
        long total = 0;
        Instant nextReport = clock.instant().plus(reportEvery);
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha256)) {
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new BodyFailed(e);
                }
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
                Instant now = clock.instant();
                if (!now.isBefore(nextReport)) {
                    progress.accept(total);
                    nextReport = now.plus(reportEvery);
                }
            }
        }
        return new Received(total, HexFormat.of().formatHex(sha256.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a file, read once. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
