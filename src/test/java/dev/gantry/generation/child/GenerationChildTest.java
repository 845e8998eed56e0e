package dev.gantry.generation.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationReply.Kind;
import dev.gantry.generation.protocol.GenerationRequest;
import dev.gantry.generation.protocol.SampleFormat;
import dev.gantry.training.GanTraining;
import dev.gantry.training.GeneratorSampler;
import dev.gantry.training.TestConfigs;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The generation process's request loop in this JVM, on real checkpoints: the cache protocol
 * (bytes only on a miss, least recently used out), answers for bad classes and broken
 * checkpoints, and the exit when its input ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationChildTest {

    static final TrainingConfig CONFIG = TestConfigs.tiny("ring8", "non-saturating", 20, 4);

    final List<byte[]> checkpoints = new ArrayList<>();

    @BeforeAll
    void train() {
        GanTraining.run(CONFIG.withSteps(30), null, new TrainingListener() {
            @Override
            public void onCheckpoint(long step, byte[] checkpoint) {
                checkpoints.add(checkpoint);
            }
        });
        // Three distinct checkpoints of one run: its last, then two of a second run on other seeds.
        for (long seed = 5; seed <= 6; seed++) {
            GanTraining.run(TestConfigs.tiny("ring8", "non-saturating", 10, seed), null, new TrainingListener() {
                @Override
                public void onCheckpoint(long step, byte[] checkpoint) {
                    checkpoints.add(checkpoint);
                }
            });
        }
        assertThat(checkpoints).hasSize(3);
    }

    private static GenerationRequest request(String job, SampleFormat format, Integer classIndex, String className) {
        return new GenerationRequest(job, 30, "sha-" + job, CONFIG, 5, 11, classIndex, className, format);
    }

    @Test
    void a_checkpoint_is_sent_once_then_drawn_from_the_cache_until_evicted() {
        try (GeneratorCache cache = new GeneratorCache(2)) {
            GenerationChild child = new GenerationChild(cache);

            GenerationChild.Answer missing = child.answer(request("a", SampleFormat.NPY, null, null), new byte[0]);
            assertThat(missing.reply().kind()).isEqualTo(Kind.MISSING_CHECKPOINT);

            GenerationChild.Answer loaded =
                    child.answer(request("a", SampleFormat.NPY, null, null), checkpoints.get(0));
            assertThat(loaded.reply().kind()).isEqualTo(Kind.OK);
            assertThat(loaded.reply().cached()).containsExactly("a/30/sha-a");
            float[] expected = GeneratorSampler.sample(CONFIG, checkpoints.get(0), 5, 11, null)
                    .values();
            assertThat(npyValues(loaded.body())).containsExactly(expected);

            GenerationChild.Answer cached = child.answer(request("a", SampleFormat.NPY, null, null), new byte[0]);
            assertThat(cached.reply().kind()).isEqualTo(Kind.OK);
            assertThat(cached.body()).isEqualTo(loaded.body());

            child.answer(request("b", SampleFormat.NPY, null, null), checkpoints.get(1));
            // "a" used again: "b" is now the least recently used, and goes when "c" comes.
            child.answer(request("a", SampleFormat.NPY, null, null), new byte[0]);
            GenerationChild.Answer third = child.answer(request("c", SampleFormat.NPY, null, null), checkpoints.get(2));
            assertThat(third.reply().cached()).containsExactly("a/30/sha-a", "c/30/sha-c");
            assertThat(child.answer(request("b", SampleFormat.NPY, null, null), new byte[0])
                            .reply()
                            .kind())
                    .isEqualTo(Kind.MISSING_CHECKPOINT);
        }
    }

    @Test
    void a_class_for_an_unconditional_model_is_invalid_and_a_broken_checkpoint_fails() {
        try (GeneratorCache cache = new GeneratorCache(2)) {
            GenerationChild child = new GenerationChild(cache);

            GenerationReply byName = child.answer(request("a", SampleFormat.PNG, null, "cat"), checkpoints.get(0))
                    .reply();
            assertThat(byName.kind()).isEqualTo(Kind.INVALID);
            assertThat(byName.field()).isEqualTo("class");
            assertThat(byName.message()).contains("unconditional");
            assertThat(child.answer(request("a", SampleFormat.PNG, 0, null), new byte[0])
                            .reply()
                            .field())
                    .isEqualTo("class");

            byte[] broken = checkpoints.get(1).clone();
            broken[broken.length / 2] ^= 1;
            GenerationReply failed = child.answer(request("x", SampleFormat.PNG, null, null), broken)
                    .reply();
            assertThat(failed.kind()).isEqualTo(Kind.FAILED);
            assertThat(failed.message()).contains("CRC");
            assertThat(failed.cached()).containsExactly("a/30/sha-a");
        }
    }

    @Test
    void it_says_ready_answers_frame_by_frame_and_returns_when_its_input_ends() throws Exception {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(requests);
        Frames.write(out, request("a", SampleFormat.JSON, null, null), checkpoints.get(0));
        Frames.write(out, request("a", SampleFormat.PNG, null, null), new byte[0]);
        ByteArrayOutputStream replies = new ByteArrayOutputStream();

        try (GeneratorCache cache = new GeneratorCache(1)) {
            new GenerationChild(cache)
                    .serve(
                            new DataInputStream(new ByteArrayInputStream(requests.toByteArray())),
                            new DataOutputStream(replies),
                            "test engine");
        }

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(replies.toByteArray()));
        Frames.Frame<GenerationReply> ready = Frames.read(in, GenerationReply.class);
        assertThat(ready.header().kind()).isEqualTo(Kind.READY);
        assertThat(ready.header().message()).isEqualTo("test engine");
        Frames.Frame<GenerationReply> json = Frames.read(in, GenerationReply.class);
        assertThat(json.header().kind()).isEqualTo(Kind.OK);
        assertThat(new String(json.body())).startsWith("{\"step\":30,\"seed\":11,\"points\":[[");
        Frames.Frame<GenerationReply> png = Frames.read(in, GenerationReply.class);
        assertThat(png.body()).startsWith(0x89, 'P', 'N', 'G');
        assertThatThrownBy(() -> Frames.read(in, GenerationReply.class)).isInstanceOf(EOFException.class);
    }

    private static float[] npyValues(byte[] npy) {
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Short.toUnsignedInt(b.getShort(8));
        assertThat((10 + headerLength) % 64).isZero();
        assertThat(new String(npy, 10, headerLength))
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 2), }")
                .endsWith("\n");
        b.position(10 + headerLength);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
