package dev.gantry.training;

import dev.gantry.training.model.TensorData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The complete state of a run after {@code step} generator updates: both networks' parameters,
 * both optimizers' moments and, when the run keeps one, the generator's moving average, all by
 * parameter name. Together with the {@link TrainingConfig} it is enough to continue the run
 * bitwise as if it had never stopped.
 *
 * <p>Byte format, version 2, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * "GANTRYCK"            8 bytes magic
 * int                   format version (2)
 * long                  step
 * UTF                   model signature, e.g. "mlp latentDim=2 hiddenUnits=256 hiddenLayers=3"
 * tensors               generator parameters
 * tensors               discriminator parameters
 * adam                  generator optimizer
 * adam                  discriminator optimizer
 * tensors               generator EMA parameters; count 0 when the run keeps no EMA
 * long                  CRC-32 of all preceding bytes
 *
 * tensors := int count, then count × (UTF name, int rank, rank × long dim, n × float32)
 * adam    := UTF "adam", long updates, tensors means, tensors variances
 * </pre>
 *
 * <p>Version 1 is the same without the EMA section; it is still read (as a checkpoint without
 * EMA) and never written.
 *
 * @param generatorEma the moving average of the generator ({@link GeneratorEma}); empty when the
 *     run keeps none
 */
public record Checkpoint(
        long step,
        String modelSignature,
        Map<String, TensorData> generator,
        Map<String, TensorData> discriminator,
        AdamState generatorOptimizer,
        AdamState discriminatorOptimizer,
        Map<String, TensorData> generatorEma) {

    public static final int FORMAT_VERSION = 2;
    private static final int FORMAT_VERSION_WITHOUT_EMA = 1;
    private static final byte[] MAGIC = "GANTRYCK".getBytes(StandardCharsets.US_ASCII);

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeLong(step);
            out.writeUTF(modelSignature);
            writeTensors(out, generator);
            writeTensors(out, discriminator);
            writeAdam(out, generatorOptimizer);
            writeAdam(out, discriminatorOptimizer);
            writeTensors(out, generatorEma);
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws InvalidCheckpointException when the bytes are corrupt or of another version */
    public static Checkpoint decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 4 + 8 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new InvalidCheckpointException("not a Gantry checkpoint (bad magic)");
        }
        int version = ByteBuffer.wrap(bytes, MAGIC.length, 4).getInt();
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITHOUT_EMA) {
            throw new InvalidCheckpointException("checkpoint format version " + version
                    + " is not supported; this build reads " + FORMAT_VERSION_WITHOUT_EMA + " and " + FORMAT_VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
            throw new InvalidCheckpointException("checkpoint is corrupt (CRC mismatch)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            in.skipNBytes(MAGIC.length + 4);
            long step = in.readLong();
            String signature = in.readUTF();
            Map<String, TensorData> g = readTensors(in);
            Map<String, TensorData> d = readTensors(in);
            AdamState gOpt = readAdam(in);
            AdamState dOpt = readAdam(in);
            Map<String, TensorData> ema = version == FORMAT_VERSION_WITHOUT_EMA ? Map.of() : readTensors(in);
            if (in.available() != 0) {
                throw new InvalidCheckpointException("checkpoint has " + in.available() + " trailing bytes");
            }
            return new Checkpoint(step, signature, g, d, gOpt, dOpt, ema);
        } catch (EOFException e) {
            throw new InvalidCheckpointException("checkpoint is truncated", e);
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof InvalidCheckpointException ice) {
                throw ice;
            }
            throw new InvalidCheckpointException("checkpoint is malformed: " + e.getMessage(), e);
        }
    }

    private static void writeTensors(DataOutputStream out, Map<String, TensorData> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] values = e.getValue().values();
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
            buffer.asFloatBuffer().put(values);
            out.write(buffer.array());
        }
    }

    private static Map<String, TensorData> readTensors(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 10_000) {
            throw new InvalidCheckpointException("checkpoint is malformed: " + count + " tensors");
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            if (rank < 0 || rank > 8) {
                throw new InvalidCheckpointException("checkpoint is malformed: tensor " + name + " of rank " + rank);
            }
            long[] shape = new long[rank];
            long n = 1;
            for (int r = 0; r < rank; r++) {
                shape[r] = in.readLong();
                n *= shape[r];
                if (shape[r] < 0 || n > in.available() / 4) {
                    throw new InvalidCheckpointException("checkpoint is truncated in tensor " + name);
                }
            }
            byte[] raw = in.readNBytes((int) n * 4);
            float[] values = new float[(int) n];
            ByteBuffer.wrap(raw).asFloatBuffer().get(values);
            out.put(name, new TensorData(shape, values));
        }
        return out;
    }

    private static void writeAdam(DataOutputStream out, AdamState state) throws IOException {
        out.writeUTF("adam");
        out.writeLong(state.updates());
        writeTensors(out, state.means());
        writeTensors(out, state.variances());
    }

    private static AdamState readAdam(DataInputStream in) throws IOException {
        String type = in.readUTF();
        if (!"adam".equals(type)) {
            throw new InvalidCheckpointException("checkpoint holds optimizer '" + type + "'; only adam is known");
        }
        long updates = in.readLong();
        return new AdamState(updates, readTensors(in), readTensors(in));
    }
}
