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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The complete state of a run after {@code step} generator updates: both networks' parameters,
 * both optimizers' moments and, when the run keeps one, the generator's moving average, all by
 * parameter name. Together with the {@link TrainingConfig} it is enough to continue the run
 * bitwise as if it had never stopped.
 *
 * <p>Byte format, version 3, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * "GANTRYCK"            8 bytes magic
 * int                   format version (3)
 * long                  step
 * UTF                   model signature, e.g. "mlp latentDim=2 hiddenUnits=256 hiddenLayers=3"
 * tensors               generator parameters, then its state (batch-norm running statistics …)
 * tensors               discriminator parameters, then its state (spectral-norm vectors …)
 * adam                  generator optimizer
 * adam                  discriminator optimizer
 * tensors               generator EMA parameters and state; count 0 when the run keeps no EMA
 * int, UTF…             class names of the data the run was trained on, count 0 when unlabeled
 * int, (UTF, double)…   the training state that is neither a tensor nor an optimizer (the
 *                       adaptive augmentation's p …), by name
 * long                  CRC-32 of all preceding bytes
 *
 * tensors := int count, then count × (UTF name, int rank, rank × long dim, n × float32)
 * adam    := UTF "adam", long updates, tensors means, tensors variances
 * </pre>
 *
 * <p>Version 2 is the same without the class names and the training state, version 1 also
 * without the EMA section; both are still read and never written.
 *
 * @param generatorEma the moving average of the generator ({@link GeneratorEma}); empty when the
 *     run keeps none
 * @param classNames the classes a conditional generator takes, label order; empty when none
 * @param trainingState named scalars a run must restore to continue exactly
 */
public record Checkpoint(
        long step,
        String modelSignature,
        Map<String, TensorData> generator,
        Map<String, TensorData> discriminator,
        AdamState generatorOptimizer,
        AdamState discriminatorOptimizer,
        Map<String, TensorData> generatorEma,
        List<String> classNames,
        Map<String, Double> trainingState) {

    public static final int FORMAT_VERSION = 3;
    private static final int FORMAT_VERSION_WITHOUT_EXTRAS = 2;
    private static final int FORMAT_VERSION_WITHOUT_EMA = 1;

    public Checkpoint {
        classNames = List.copyOf(classNames);
        trainingState = Collections.unmodifiableMap(new LinkedHashMap<>(trainingState));
    }

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
            out.writeInt(classNames.size());
            for (String name : classNames) {
                out.writeUTF(name);
            }
            out.writeInt(trainingState.size());
            for (Map.Entry<String, Double> e : trainingState.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
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
        if (version < FORMAT_VERSION_WITHOUT_EMA || version > FORMAT_VERSION) {
            throw new InvalidCheckpointException("checkpoint format version " + version
                    + " is not supported; this build reads " + FORMAT_VERSION_WITHOUT_EMA + " to " + FORMAT_VERSION);
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
            List<String> classes = new ArrayList<>();
            Map<String, Double> state = new LinkedHashMap<>();
            if (version > FORMAT_VERSION_WITHOUT_EXTRAS) {
                int count = count(in, "class names");
                for (int i = 0; i < count; i++) {
                    classes.add(in.readUTF());
                }
                count = count(in, "training state entries");
                for (int i = 0; i < count; i++) {
                    state.put(in.readUTF(), in.readDouble());
                }
            }
            if (in.available() != 0) {
                throw new InvalidCheckpointException("checkpoint has " + in.available() + " trailing bytes");
            }
            return new Checkpoint(step, signature, g, d, gOpt, dOpt, ema, classes, state);
        } catch (EOFException e) {
            throw new InvalidCheckpointException("checkpoint is truncated", e);
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof InvalidCheckpointException ice) {
                throw ice;
            }
            throw new InvalidCheckpointException("checkpoint is malformed: " + e.getMessage(), e);
        }
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 100_000) {
            throw new InvalidCheckpointException("checkpoint is malformed: " + count + " " + what);
        }
        return count;
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
