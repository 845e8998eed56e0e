package dev.gantry.generation.child;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes NumPy's {@code .npy} format, version 1.0, for float32 arrays: {@code "\x93NUMPY"}, 1, 0,
 * a little-endian uint16 header length, a Python dict literal {@code {'descr': '<f4',
 * 'fortran_order': False, 'shape': (64, 2), }} padded with spaces and a newline so that the data
 * starts at a multiple of 64 bytes, then the values, little-endian, C order.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE = MAGIC.length + 2 + 2;
    private static final int ALIGN = 64;

    private Npy() {}

    public static byte[] float32(float[] values, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape needs " + n + " values, got " + values.length);
        }
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        int unpadded = PREAMBLE + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String header = dict + " ".repeat(padding) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(PREAMBLE + headerBytes.length + values.length * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length);
        out.put(headerBytes);
        out.asFloatBuffer().put(values);
        return out.array();
    }
}
