package dev.gantry.generation.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generation protocol's framing over a child's stdin and stdout: magic, a JSON header, a
 * binary body, lengths big-endian.
 *
 * <pre>
 * frame := int 0x4747454E ("GGEN") · int n · n bytes UTF-8 JSON header · int m · m bytes body
 * </pre>
 *
 * The magic makes anything else on the stream (a stray print of a library) a protocol error the
 * server sees at once, instead of a length read from text.
 */
public final class Frames {

    static final int MAGIC = 0x4747454E;
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** A checkpoint or a batch of samples; the process's heap is the practical limit. */
    static final int MAX_BODY_BYTES = 1 << 30;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A decoded frame. */
    public record Frame<T>(T header, byte[] body) {}

    private Frames() {}

    /** A record as the JSON body of a frame. */
    public static byte[] json(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    /** @throws StreamCorruptedException when the body is not JSON of that type */
    public static <T> T json(byte[] body, Class<T> type) throws StreamCorruptedException {
        try {
            return JSON.readValue(body, type);
        } catch (JacksonException e) {
            throw new StreamCorruptedException("unreadable frame body: " + e.getOriginalMessage());
        }
    }

    public static void write(DataOutputStream out, Object header, byte[] body) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        out.writeInt(MAGIC);
        out.writeInt(json.length);
        out.write(json);
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /**
     * @throws java.io.EOFException when the stream ends, before or inside a frame
     * @throws StreamCorruptedException when the bytes are not a frame
     */
    public static <T> Frame<T> read(DataInputStream in, Class<T> type) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new StreamCorruptedException("not a generation frame (magic %08x)".formatted(magic));
        }
        byte[] header = readFully(in, length(in, MAX_HEADER_BYTES, "header"));
        byte[] body = readFully(in, length(in, MAX_BODY_BYTES, "body"));
        try {
            return new Frame<>(JSON.readValue(header, type), body);
        } catch (JacksonException e) {
            throw new StreamCorruptedException("unreadable frame header: " + e.getOriginalMessage());
        }
    }

    private static int length(DataInputStream in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new StreamCorruptedException(what + " length " + n + " is outside 0.." + max);
        }
        return n;
    }

    private static byte[] readFully(DataInputStream in, int n) throws IOException {
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }
}
