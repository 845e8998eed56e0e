package dev.gantry.generation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the float32 C-order NPY files tests receive (from Gantry or from numpy), refusing anything
 * else, and writes the int64 labels tests send.
 */
final class NpyArrays {

    record Array(long[] shape, float[] values) {}

    private static final Pattern HEADER =
            Pattern.compile("\\{'descr': '<f4', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), *\\} *\n");

    private NpyArrays() {}

    /** An int64 vector, as load_generator.py takes class labels. */
    static byte[] int64(long[] values) {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        int padding = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out =
                ByteBuffer.allocate(10 + header.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) header.length)
                .put(header);
        for (long v : values) {
            out.putLong(v);
        }
        return out.array();
    }

    static Array read(byte[] npy) {
        ByteBuffer in = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        in.get(magic);
        if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            throw new IllegalArgumentException("not an NPY file");
        }
        int major = in.get();
        in.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : in.getInt();
        String header = new String(npy, in.position(), headerLength, StandardCharsets.US_ASCII);
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a float32 C-order NPY header: " + header);
        }
        long[] shape = Arrays.stream(m.group(1).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        in.position(in.position() + headerLength);
        float[] values = new float[in.remaining() / 4];
        in.asFloatBuffer().get(values);
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (n != values.length || in.remaining() % 4 != 0) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " but " + in.remaining() + " bytes");
        }
        return new Array(shape, values);
    }
}
