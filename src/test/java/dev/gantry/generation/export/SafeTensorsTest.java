package dev.gantry.generation.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.generation.export.InvalidSafeTensorsException.Problem;
import dev.gantry.generation.export.SafeTensors.Dtype;
import dev.gantry.generation.export.SafeTensors.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The writer against the byte vectors of huggingface/safetensors' own tests ({@code tensor.rs}),
 * and the reader against every check it ports, one hostile file each.
 */
class SafeTensorsTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static Tensor f32(long[] shape, float... values) {
        return Tensor.f32(shape, values);
    }

    @Test
    void writes_the_reference_bytes_of_one_f32_tensor() {
        // tensor.rs test_serialization: "attn.0", F32 [1, 2, 3], 0..5.
        byte[] out = SafeTensors.write(Map.of("attn.0", f32(new long[] {1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());

        assertThat(out)
                .isEqualTo(bytes(
                        64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121,
                        112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50,
                        44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44,
                        50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
                        160, 64));
    }

    @Test
    void pads_the_header_with_spaces_to_a_multiple_of_8_as_the_reference_does() {
        // tensor.rs test_serialization_forced_alignement: "attn0", F32 [1, 1, 2, 3].
        byte[] out = SafeTensors.write(Map.of("attn0", f32(new long[] {1, 1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());

        assertThat(out)
                .isEqualTo(bytes(
                        72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112,
                        101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50,
                        44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44,
                        50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0,
                        64, 64, 0, 0, 128, 64, 0, 0, 160, 64));
    }

    @Test
    void writes_the_reference_bytes_of_an_empty_file_with_and_without_metadata() {
        // tensor.rs test_empty.
        assertThat(SafeTensors.write(Map.of(), Map.of()))
                .isEqualTo(bytes(8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32));
        assertThat(SafeTensors.write(Map.of(), Map.of("framework", "pt")))
                .isEqualTo(bytes(
                        40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58,
                        123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32,
                        32, 32, 32));
    }

    @Test
    void orders_tensors_by_alignment_then_name_and_round_trips() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("fc1.weight", f32(new long[] {2, 2}, 1, -2, 3.5f, Float.MIN_VALUE));
        tensors.put(
                "bn0.num_batches_tracked", new Tensor(Dtype.I64, new long[] {}, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}));
        tensors.put("fc0.bias", f32(new long[] {3}, Float.NaN, Float.NEGATIVE_INFINITY, -0f));
        tensors.put("mask", new Tensor(Dtype.U8, new long[] {3}, new byte[] {1, 0, 1}));
        byte[] file = SafeTensors.write(tensors, Map.of("format", "pt", "note", "ünïcode"));

        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header)
                .startsWith("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"ünïcode\"},"
                        + "\"bn0.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                        + "\"fc0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},"
                        + "\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[20,36]},"
                        + "\"mask\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[36,39]}}");

        SafeTensors.Contents read = SafeTensors.read(file);
        assertThat(read.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("note", "ünïcode"));
        assertThat(read.tensors()).containsOnlyKeys(tensors.keySet());
        assertThat(read.tensors().get("fc1.weight").floats()).containsExactly(1, -2, 3.5f, Float.MIN_VALUE);
        assertThat(read.tensors().get("fc1.weight").shape()).containsExactly(2, 2);
        float[] bias = read.tensors().get("fc0.bias").floats();
        assertThat(bias[0]).isNaN();
        assertThat(Float.floatToRawIntBits(bias[2])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(read.tensors().get("bn0.num_batches_tracked").data()).containsExactly(7, 0, 0, 0, 0, 0, 0, 0);
        assertThat(read.tensors().get("mask").dtype()).isEqualTo(Dtype.U8);
    }

    @Test
    void refuses_a_tensor_whose_bytes_do_not_fit_its_shape_or_that_is_named_metadata() {
        assertThatThrownBy(() ->
                        SafeTensors.write(Map.of("a", new Tensor(Dtype.F32, new long[] {2}, new byte[4])), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafeTensors.write(Map.of("__metadata__", f32(new long[] {1}, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- hostile files -------------------------------------------------------------------

    /** A file of an 8-byte length, the header text as given and {@code data} zero bytes. */
    private static byte[] file(long headerLength, String header, int data) {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + text.length + data)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength)
                .put(text)
                .array();
    }

    private static byte[] file(String header, int data) {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private static void refused(byte[] file, Problem problem) {
        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOfSatisfying(
                        InvalidSafeTensorsException.class,
                        e -> assertThat(e.problem()).isEqualTo(problem));
    }

    @Test
    void a_file_shorter_than_the_length_prefix() {
        for (int n = 0; n < 8; n++) {
            refused(new byte[n], Problem.HEADER_TOO_SMALL);
        }
    }

    @Test
    void a_header_over_100_mb_is_refused_before_anything_is_read() {
        refused(file(100_000_001, "{}", 0), Problem.HEADER_TOO_LARGE);
        // 2^64 − 1 as unsigned: negative as a Java long.
        refused(file(-1, "{}", 0), Problem.HEADER_TOO_LARGE);
        refused(file(Long.MIN_VALUE, "{}", 0), Problem.HEADER_TOO_LARGE);
    }

    @Test
    void a_header_longer_than_the_file() {
        refused(file(100, "{}", 0), Problem.INVALID_HEADER_LENGTH);
        refused(file(100_000_000, "{}", 0), Problem.INVALID_HEADER_LENGTH);
    }

    @Test
    void a_header_that_is_not_utf8_or_not_an_object() {
        byte[] latin1 = file("{\"é\": 1}", 0);
        latin1[10] = (byte) 0xE9;
        latin1[11] = (byte) '"';
        refused(latin1, Problem.INVALID_HEADER);
        refused(file(" {}", 0), Problem.INVALID_HEADER_START);
        refused(file("[]", 0), Problem.INVALID_HEADER_START);
        refused(file("", 0), Problem.INVALID_HEADER_START);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {                                                                          | truncated JSON
            {} {}                                                                      | trailing tokens
            {"a": 1}                                                                   | tensor info not an object
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}} | duplicate key
            {"a": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}              | unknown dtype
            {"a": {"dtype": "f32", "shape": [1], "data_offsets": [0, 4]}}              | dtype in lower case
            {"a": {"shape": [1], "data_offsets": [0, 4]}}                              | no dtype
            {"a": {"dtype": "F32", "data_offsets": [0, 4]}}                            | no shape
            {"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}             | negative dimension
            {"a": {"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]}}            | fractional dimension
            {"a": {"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}}            | string dimension
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}                 | one offset
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}           | three offsets
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 99999999999999999999]}} | offset beyond 64 bits
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "offset": 0}} | unknown field
            {"__metadata__": {"format": 1}}                                            | metadata value not a string
            {"__metadata__": ["pt"]}                                                   | metadata not an object
            """)
    void a_header_of_the_wrong_shape(String header, String what) {
        refused(file(header, 4), Problem.INVALID_HEADER_DESERIALIZATION);
    }

    @Test
    void tensors_must_follow_one_another_from_offset_zero() {
        refused(
                file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8),
                Problem.INVALID_OFFSET);
        refused(
                file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        8),
                Problem.INVALID_OFFSET);
        refused(
                file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, -0]},"
                                + " \"b\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [8, 4]}}",
                        8),
                Problem.INVALID_OFFSET);
    }

    @Test
    void element_and_byte_counts_that_overflow() {
        refused(
                file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 16]}}",
                        16),
                Problem.VALIDATION_OVERFLOW);
        // The element count fits, times 8 bytes it does not.
        refused(
                file("{\"a\": {\"dtype\": \"F64\", \"shape\": [2305843009213693952], \"data_offsets\": [0, 16]}}", 16),
                Problem.VALIDATION_OVERFLOW);
    }

    @Test
    void offsets_that_do_not_span_shape_times_dtype_size() {
        refused(
                file("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4),
                Problem.TENSOR_INVALID_INFO);
        refused(
                file("{\"a\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                Problem.TENSOR_INVALID_INFO);
    }

    @Test
    void data_that_does_not_end_exactly_at_the_end_of_the_file() {
        String header = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}";
        assertThat(SafeTensors.read(file(header, 8)).tensors()).containsOnlyKeys("a");
        refused(file(header, 7), Problem.METADATA_INCOMPLETE_BUFFER);
        refused(file(header, 9), Problem.METADATA_INCOMPLETE_BUFFER);
        refused(file("{}", 1), Problem.METADATA_INCOMPLETE_BUFFER);
    }

    @Test
    void a_header_that_looks_like_code_is_data() {
        // Nothing in a header is ever evaluated: a string that would run as Python is a string.
        byte[] file = file("{\"__metadata__\": {\"format\": \"__import__('os').system('rm -rf /')\"}}", 0);
        assertThat(SafeTensors.read(file).metadata()).containsEntry("format", "__import__('os').system('rm -rf /')");
        assertThat(SafeTensors.read(file).tensors()).isEmpty();
        assertThat(List.of(Problem.values())).hasSize(10);
    }
}
