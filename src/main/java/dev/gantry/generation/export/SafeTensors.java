package dev.gantry.generation.export;

import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.HEADER_TOO_LARGE;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.HEADER_TOO_SMALL;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.INVALID_HEADER;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.INVALID_HEADER_DESERIALIZATION;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.INVALID_HEADER_LENGTH;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.INVALID_HEADER_START;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.INVALID_OFFSET;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.METADATA_INCOMPLETE_BUFFER;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.TENSOR_INVALID_INFO;
import static dev.gantry.generation.export.InvalidSafeTensorsException.Problem.VALIDATION_OVERFLOW;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length n, n
 * bytes of JSON header, then the tensors' bytes, little-endian, C order, one after the other.
 *
 * <pre>
 * {"__metadata__": {"format": "pt", …},
 *  "fc0.bias": {"dtype": "F32", "shape": [256], "data_offsets": [0, 1024]}, …}
 * </pre>
 *
 * The writer does what the reference writer does: tensors ordered by dtype alignment, largest
 * first, then by name (one dtype: sorted by name), compact JSON with {@code __metadata__} first,
 * the header padded with spaces to a multiple of 8 bytes so every tensor starts aligned. The
 * reader ports the reference's checks ({@code safetensors/src/tensor.rs}): header at most 100 MB
 * and inside the file, UTF-8, a JSON object (parsed as data, never evaluated), offsets contiguous
 * from 0, element and byte counts checked for overflow, and the data ending exactly at the end of
 * the file. It is stricter where the reference is lenient: duplicate keys, unknown fields and
 * non-string metadata values are refused.
 */
public final class SafeTensors {

    public static final long MAX_HEADER_BYTES = 100_000_000;
    public static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> INFO_FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** Element types, in the reference's order of increasing alignment. */
    public enum Dtype {
        BOOL(1),
        U8(1),
        I8(1),
        F8_E5M2(1),
        F8_E4M3(1),
        I16(2),
        U16(2),
        F16(2),
        BF16(2),
        I32(4),
        U32(4),
        F32(4),
        F64(8),
        I64(8),
        U64(8);

        public final int size;

        Dtype(int size) {
            this.size = size;
        }
    }

    /** One tensor: its type, shape and raw little-endian bytes. */
    public record Tensor(Dtype dtype, long[] shape, byte[] data) {

        public static Tensor f32(long[] shape, float[] values) {
            ByteBuffer bytes =
                    ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            return new Tensor(Dtype.F32, shape.clone(), bytes.array());
        }

        public float[] floats() {
            if (dtype != Dtype.F32) {
                throw new IllegalStateException("tensor is " + dtype + ", not F32");
            }
            float[] out = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** A file's metadata and its tensors by name. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {}

    private SafeTensors() {}

    public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(Comparator.<Map.Entry<String, Tensor>, Dtype>comparing(
                        e -> e.getValue().dtype(), Comparator.reverseOrder())
                .thenComparing(Map.Entry::getKey));
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            Tensor t = e.getValue();
            if (METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException(METADATA_KEY + " cannot name a tensor");
            }
            if (elements(t.shape()) * t.dtype().size != t.data().length) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " of shape " + Arrays.toString(t.shape())
                        + " has " + t.data().length + " bytes");
            }
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", t.dtype().name());
            ArrayNode shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = json.length + (8 - json.length % 8) % 8;
        ByteBuffer out =
                ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Map.Entry<String, Tensor> e : ordered) {
            out.put(e.getValue().data());
        }
        return out.array();
    }

    /** @throws InvalidSafeTensorsException naming the first check the file fails */
    public static Contents read(byte[] file) {
        if (file.length < 8) {
            throw new InvalidSafeTensorsException(HEADER_TOO_SMALL, file.length + " bytes");
        }
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // As an unsigned 64-bit number, a negative long is beyond any limit.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new InvalidSafeTensorsException(
                    HEADER_TOO_LARGE, Long.toUnsignedString(n) + " bytes, the limit is " + MAX_HEADER_BYTES);
        }
        if (8 + n > file.length) {
            throw new InvalidSafeTensorsException(
                    INVALID_HEADER_LENGTH, "header of " + n + " bytes in a file of " + file.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file, 8, (int) n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidSafeTensorsException(INVALID_HEADER, "the header is not UTF-8");
        }
        if (!text.startsWith("{")) {
            throw new InvalidSafeTensorsException(INVALID_HEADER_START, "the header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidSafeTensorsException(INVALID_HEADER_DESERIALIZATION, e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new InvalidSafeTensorsException(INVALID_HEADER_DESERIALIZATION, "the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Info> infos = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (METADATA_KEY.equals(e.getKey())) {
                metadata = metadata(e.getValue());
            } else {
                infos.add(info(e.getKey(), e.getValue()));
            }
        }
        // The reference orders tensors by their offsets, then checks them in that order.
        infos.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long start = 0;
        for (Info info : infos) {
            if (info.begin() != start || info.end() < info.begin()) {
                throw new InvalidSafeTensorsException(
                        INVALID_OFFSET,
                        "tensor " + info.name() + " at ["
                                + info.begin() + ", " + info.end() + ") does not start where the previous one ends, "
                                + start);
            }
            start = info.end();
            long bytes;
            try {
                bytes = Math.multiplyExact(elements(info.shape()), info.dtype().size);
            } catch (ArithmeticException overflow) {
                throw new InvalidSafeTensorsException(
                        VALIDATION_OVERFLOW, "tensor " + info.name() + " of shape " + Arrays.toString(info.shape()));
            }
            if (info.end() - info.begin() != bytes) {
                throw new InvalidSafeTensorsException(
                        TENSOR_INVALID_INFO,
                        "tensor " + info.name() + " of shape "
                                + Arrays.toString(info.shape()) + " and " + info.dtype() + " needs " + bytes
                                + " bytes, its offsets span " + (info.end() - info.begin()));
            }
        }
        if (start != file.length - 8 - n) {
            throw new InvalidSafeTensorsException(
                    METADATA_INCOMPLETE_BUFFER,
                    "the tensors span " + start + " bytes, the file holds " + (file.length - 8 - n)
                            + " after the header");
        }
        Map<String, Tensor> tensors = new TreeMap<>();
        int dataStart = (int) (8 + n);
        for (Info info : infos) {
            byte[] data = Arrays.copyOfRange(file, dataStart + (int) info.begin(), dataStart + (int) info.end());
            tensors.put(info.name(), new Tensor(info.dtype(), info.shape(), data));
        }
        return new Contents(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    private record Info(String name, Dtype dtype, long[] shape, long begin, long end) {}

    private static Map<String, String> metadata(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidSafeTensorsException(INVALID_HEADER_DESERIALIZATION, METADATA_KEY + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                throw new InvalidSafeTensorsException(
                        INVALID_HEADER_DESERIALIZATION, METADATA_KEY + "." + e.getKey() + " is not a string");
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    private static Info info(String name, JsonNode node) {
        if (!node.isObject()) {
            throw bad(name, "is not an object");
        }
        for (String field : node.propertyNames()) {
            if (!INFO_FIELDS.contains(field)) {
                throw bad(name, "has an unknown field '" + field + "'");
            }
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isString()) {
            throw bad(name, "has no dtype");
        }
        Dtype type;
        try {
            type = Dtype.valueOf(dtype.asString());
        } catch (IllegalArgumentException e) {
            throw bad(name, "has an unknown dtype '" + dtype.asString() + "'");
        }
        long[] shape = naturals(name, "shape", node.get("shape"), -1);
        long[] offsets = naturals(name, "data_offsets", node.get("data_offsets"), 2);
        return new Info(name, type, shape, offsets[0], offsets[1]);
    }

    /** An array of non-negative integers that fit a long, of {@code length} entries when it is not −1. */
    private static long[] naturals(String name, String field, JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw bad(name, field + " is not an array" + (length >= 0 ? " of " + length + " integers" : ""));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw bad(name, field + "[" + i + "] is not a non-negative integer: " + v);
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static InvalidSafeTensorsException bad(String name, String what) {
        return new InvalidSafeTensorsException(INVALID_HEADER_DESERIALIZATION, "tensor " + name + " " + what);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
