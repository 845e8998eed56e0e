package dev.gantry.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Passes bytes through unchanged and fails at the first byte that is not well-formed UTF-8.
 * Jackson's UTF-8 reader folds overlong forms ({@code C0 AE}) into the character they spell
 * ({@code .}), so {@code "h\xC0\xAE\xC0\xAE"} would be stored as {@code h..}: a way past any check
 * made on the bytes. The JDK's decoder refuses overlong forms, surrogates and stray continuation
 * bytes; this runs the body through it as it is read, without holding more than 3 bytes back.
 */
final class StrictUtf8InputStream extends FilterInputStream {

    /** The body was not UTF-8; an I/O error so that it surfaces as an unreadable body. */
    static final class NotUtf8Exception extends CharacterCodingException {
        @Override
        public String getMessage() {
            return "the body is not valid UTF-8";
        }
    }

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // At most the first 3 bytes of a character split between two reads.
    private final byte[] carry = new byte[3];
    private int carried;
    private boolean ended;

    StrictUtf8InputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            finish();
        } else if (n > 0) {
            check(buffer, offset, n);
        }
        return n;
    }

    private void check(byte[] buffer, int offset, int n) throws NotUtf8Exception {
        ByteBuffer bytes = ByteBuffer.allocate(carried + n);
        bytes.put(carry, 0, carried).put(buffer, offset, n).flip();
        CoderResult result = decoder.decode(bytes, CharBuffer.allocate(bytes.remaining()), false);
        if (result.isError()) {
            throw new NotUtf8Exception();
        }
        carried = bytes.remaining();
        bytes.get(carry, 0, carried);
    }

    private void finish() throws NotUtf8Exception {
        if (ended) {
            return;
        }
        ended = true;
        ByteBuffer rest = ByteBuffer.wrap(carry, 0, carried);
        CharBuffer out = CharBuffer.allocate(4);
        if (decoder.decode(rest, out, true).isError() || decoder.flush(out).isError() || rest.hasRemaining()) {
            throw new NotUtf8Exception();
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would go unchecked; read them instead.
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        int read = read(sink, 0, sink.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
