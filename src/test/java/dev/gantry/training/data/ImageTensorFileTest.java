package dev.gantry.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTensorFileTest {

    @TempDir
    Path dir;

    private static ImageTensor labeled() {
        byte[] pixels = new byte[3 * 3 * 2 * 4];
        new Random(1).nextBytes(pixels);
        return new ImageTensor(3, 3, 2, 4, pixels, new int[] {1, 0, 1}, List.of("cat", "dög"));
    }

    private byte[] bytesOf(ImageTensor tensor) throws IOException {
        Path file = dir.resolve("t.bin");
        ImageTensorFile.write(tensor, file);
        return Files.readAllBytes(file);
    }

    private static ImageTensor read(byte[] bytes) throws IOException {
        return ImageTensorFile.read(new ByteArrayInputStream(bytes), bytes.length);
    }

    @Test
    void a_labeled_tensor_survives_a_round_trip_byte_for_byte() throws IOException {
        ImageTensor tensor = labeled();
        byte[] bytes = bytesOf(tensor);
        ImageTensor back = read(bytes);
        assertThat(back).isEqualTo(tensor);
        assertThat(back.classNames()).containsExactly("cat", "dög");
        // Header 28 + pixels 72 + class count 4 + names (4+3, 4+4) + labels 12.
        assertThat(bytes).hasSize(28 + 72 + 4 + 7 + 8 + 12);
        assertThat(ImageTensorFile.read(dir.resolve("t.bin"))).isEqualTo(tensor);
    }

    @Test
    void an_unlabeled_and_an_empty_tensor_survive_a_round_trip() throws IOException {
        byte[] pixels = new byte[2 * 28 * 28];
        new Random(2).nextBytes(pixels);
        ImageTensor unlabeled = new ImageTensor(2, 1, 28, 28, pixels, null, List.of());
        assertThat(read(bytesOf(unlabeled))).isEqualTo(unlabeled);
        ImageTensor empty = new ImageTensor(0, 3, 8, 8, new byte[0], null, List.of());
        assertThat(read(bytesOf(empty))).isEqualTo(empty);
    }

    @Test
    void the_writer_streams_images_and_fills_in_the_count_when_it_finishes() throws IOException {
        Path file = dir.resolve("s.bin");
        try (ImageTensorFile.Writer writer = ImageTensorFile.writer(file, 1, 1, 2)) {
            writer.append(new byte[] {1, 2}, 0);
            writer.append(new byte[] {3, 4}, 2);
            assertThat(writer.count()).isEqualTo(2);
            writer.finish(List.of("a", "b", "c"));
        }
        ImageTensor back = ImageTensorFile.read(file);
        assertThat(back.count()).isEqualTo(2);
        assertThat(back.pixels()).containsExactly(1, 2, 3, 4);
        assertThat(back.labels()).containsExactly(0, 2);
        assertThat(back.classCounts()).containsExactly(1, 0, 1);
    }

    @Test
    void the_writer_refuses_what_would_make_an_invalid_file() {
        Path file = dir.resolve("w.bin");
        try (ImageTensorFile.Writer writer = ImageTensorFile.writer(file, 3, 2, 2)) {
            assertThatThrownBy(() -> writer.append(new byte[11])).hasMessageContaining("11 bytes");
            writer.append(new byte[12], 0);
            assertThatThrownBy(() -> writer.append(new byte[12])).hasMessageContaining("labeled and unlabeled");
            writer.append(new byte[12], 4);
            assertThatThrownBy(() -> writer.finish(List.of("a", "b"))).hasMessageContaining("label 4");
        }
        assertThatThrownBy(() -> ImageTensorFile.writer(file, 2, 2, 2)).hasMessageContaining("channels must be 1 or 3");
        assertThatThrownBy(() -> ImageTensorFile.writer(file, 1, 0, 2)).hasMessageContaining("height and width");
    }

    @Test
    void a_wrong_magic_or_version_is_refused() throws IOException {
        byte[] bytes = bytesOf(labeled());
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertRefused(magic, "bad magic");
        byte[] version = bytes.clone();
        ByteBuffer.wrap(version).putInt(8, 2);
        assertRefused(version, "format version 2 is not supported");
    }

    @Test
    void a_header_with_impossible_sizes_is_refused_before_anything_is_allocated() throws IOException {
        byte[] bytes = bytesOf(labeled());
        assertRefused(with(bytes, 12, -1), "negative image count");
        assertRefused(with(bytes, 16, 4), "channels must be 1 or 3");
        assertRefused(with(bytes, 20, 0), "height and width");
        assertRefused(with(bytes, 24, 70_000), "height and width");
        // 2^31 images of 3×2×4: far more than one file holds.
        assertRefused(with(bytes, 12, Integer.MAX_VALUE), "more than the 2147483639 one file holds");
        // A count that fits in memory but not in the 123 bytes there are.
        assertRefused(with(bytes, 12, 1000), "truncated: 1000 images need at least");
    }

    @Test
    void every_truncation_is_refused() throws IOException {
        byte[] bytes = bytesOf(labeled());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> read(cut))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(InvalidImageTensorFileException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void a_stream_shorter_than_its_stated_size_is_truncated() throws IOException {
        byte[] bytes = bytesOf(labeled());
        byte[] cut = Arrays.copyOf(bytes, 60);
        assertThatThrownBy(() -> ImageTensorFile.read(new ByteArrayInputStream(cut), bytes.length))
                .isInstanceOf(InvalidImageTensorFileException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void trailing_bytes_are_refused() throws IOException {
        byte[] bytes = bytesOf(labeled());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertRefused(longer, "trailing bytes");
        // A stream longer than the size it was said to have.
        assertThatThrownBy(() -> ImageTensorFile.read(new ByteArrayInputStream(longer), bytes.length))
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void labels_out_of_range_and_bad_class_tables_are_refused() throws IOException {
        byte[] bytes = bytesOf(labeled());
        int classCountAt = 28 + 72;
        int firstLabelAt = bytes.length - 12;
        assertRefused(with(bytes, firstLabelAt, 2), "image 0 has label 2, outside [0, 2)");
        assertRefused(with(bytes, firstLabelAt + 4, -1), "image 1 has label -1");
        assertRefused(with(bytes, classCountAt, -3), "class count -3");
        assertRefused(with(bytes, classCountAt, 10_001), "class count 10001");
        assertRefused(with(bytes, classCountAt + 4, 0), "class 0 has a name of 0 bytes");
        // One class fewer: the table no longer lines up with the rest of the file.
        assertRefused(with(bytes, classCountAt, 1), "image tensor file: ");
        byte[] notUtf8 = bytes.clone();
        notUtf8[classCountAt + 8] = (byte) 0xC3;
        notUtf8[classCountAt + 9] = (byte) 0x28;
        assertRefused(notUtf8, "not UTF-8");
    }

    @Test
    void an_unlabeled_file_has_no_label_section() throws IOException {
        ImageTensor unlabeled = new ImageTensor(1, 1, 1, 1, new byte[] {7}, null, List.of());
        byte[] bytes = bytesOf(unlabeled);
        assertThat(bytes).hasSize(28 + 1 + 4);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("GANTRYIT");
    }

    private static byte[] with(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putInt(offset, value);
        return copy;
    }

    private static void assertRefused(byte[] bytes, String message) {
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(InvalidImageTensorFileException.class)
                .hasMessageContaining(message);
    }
}
