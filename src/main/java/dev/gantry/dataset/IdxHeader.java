package dev.gantry.dataset;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The header of an IDX file (MNIST's format): two zero bytes, a type byte, the number of
 * dimensions, then each dimension as a big-endian int. Images are unsigned bytes of rank 3
 * (N, rows, columns), labels unsigned bytes of rank 1.
 */
record IdxHeader(int[] dims) {

    private static final int UNSIGNED_BYTE = 0x08;

    int bytesAfter() {
        return 4 + 4 * dims.length;
    }

    /** @throws DatasetContentException when it is not an unsigned-byte IDX header of the given rank */
    static IdxHeader read(DataInputStream in, int rank, String what) throws IOException {
        try {
            int zero = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int dimensions = in.readUnsignedByte();
            if (zero != 0) {
                throw new DatasetContentException("the " + what + " file is not IDX (bad magic)");
            }
            if (type != UNSIGNED_BYTE) {
                throw new DatasetContentException(String.format(
                        "the %s file has IDX type 0x%02X; only unsigned bytes (0x08) are read", what, type));
            }
            if (dimensions != rank) {
                throw new DatasetContentException(
                        "the " + what + " file has " + dimensions + " dimensions; " + rank + " are expected");
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                    throw new DatasetContentException("the " + what + " file has a dimension of " + dims[i]);
                }
            }
            return new IdxHeader(dims);
        } catch (EOFException e) {
            throw new DatasetContentException("the " + what + " file ends inside its IDX header");
        }
    }
}
