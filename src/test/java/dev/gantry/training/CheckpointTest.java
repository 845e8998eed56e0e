package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.model.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    private static final TrainingConfig CONFIG = TestConfigs.tiny("ring8", "non-saturating", 5, 9);
    private static final TrainingConfig EMA_CONFIG = withEma(CONFIG, 0.9);
    private static byte[] bytes;
    private static byte[] emaBytes;

    @BeforeAll
    static void train() {
        RecordingListener listener = new RecordingListener();
        GanTraining.run(CONFIG, null, listener);
        bytes = listener.checkpoints.get(5L);
        RecordingListener ema = new RecordingListener();
        GanTraining.run(EMA_CONFIG, null, ema);
        emaBytes = ema.checkpoints.get(5L);
    }

    private static TrainingConfig withEma(TrainingConfig c, double decay) {
        return new TrainingConfig(
                c.data(),
                c.model(),
                c.loss(),
                c.generatorOptimizer(),
                c.discriminatorOptimizer(),
                c.steps(),
                c.batchSize(),
                c.discriminatorSteps(),
                c.seed(),
                c.checkpointEverySteps(),
                c.evaluationEverySteps(),
                c.evaluationSamples(),
                c.sampleEverySteps(),
                decay,
                c.instanceNoise());
    }

    private static Checkpoint withoutEma(Checkpoint c) {
        return new Checkpoint(
                c.step(),
                c.modelSignature(),
                c.generator(),
                c.discriminator(),
                c.generatorOptimizer(),
                c.discriminatorOptimizer(),
                Map.of(),
                java.util.List.of(),
                Map.of());
    }

    @Test
    void holds_step_parameters_and_both_optimizers_by_name() {
        Checkpoint c = Checkpoint.decode(bytes);
        assertEquals(5, c.step());
        assertEquals("mlp latentDim=2 hiddenUnits=32 hiddenLayers=2", c.modelSignature());
        assertEquals(
                java.util.List.of("fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                java.util.List.copyOf(c.generator().keySet()));
        assertArrayEquals(new long[] {32, 2}, c.generator().get("fc0.weight").shape());
        assertArrayEquals(
                new long[] {1, 32}, c.discriminator().get("fc2.weight").shape());
        assertEquals(5, c.generatorOptimizer().updates());
        assertEquals(5, c.discriminatorOptimizer().updates());
        assertEquals(
                c.discriminator().keySet(),
                c.discriminatorOptimizer().variances().keySet());
        // Second moments are averages of squares: never negative, and not all zero after 5 updates.
        float[] v = c.generatorOptimizer().variances().get("fc0.weight").values();
        double sum = 0;
        for (float x : v) {
            assertTrue(x >= 0);
            sum += x;
        }
        assertTrue(sum > 0);
    }

    @Test
    void encode_after_decode_gives_the_same_bytes() {
        assertArrayEquals(bytes, Checkpoint.decode(bytes).encode());
        assertArrayEquals(emaBytes, Checkpoint.decode(emaBytes).encode());
    }

    @Test
    void version_3_holds_the_generator_ema_only_when_the_run_keeps_one() {
        assertEquals(3, ByteBuffer.wrap(emaBytes, 8, 4).getInt());
        assertTrue(Checkpoint.decode(bytes).generatorEma().isEmpty());
        Checkpoint c = Checkpoint.decode(emaBytes);
        assertEquals(c.generator().keySet(), c.generatorEma().keySet());
        for (String name : c.generator().keySet()) {
            assertArrayEquals(
                    c.generator().get(name).shape(), c.generatorEma().get(name).shape());
        }
        // Five updates at β = 0.9 leave the average well behind the generator.
        assertFalse(GradientHygieneTest.sameValues(c.generator(), c.generatorEma()));
    }

    @Test
    void a_version_2_checkpoint_is_read_with_no_classes_and_no_training_state_and_resumes_exactly() {
        // Version 2 is version 3 without its last two sections (two empty counts here).
        byte[] v3 = Checkpoint.decode(emaBytes).encode();
        byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 8 - 8);
        ByteBuffer.wrap(v2, 8, 4).putInt(2);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(v2, 0, v2.length);
        v2 = java.util.Arrays.copyOf(v2, v2.length + 8);
        ByteBuffer.wrap(v2, v2.length - 8, 8).putLong(crc.getValue());

        Checkpoint c = Checkpoint.decode(v2);
        assertEquals(List.of(), c.classNames());
        assertEquals(Map.of(), c.trainingState());
        assertArrayEquals(v3, c.encode(), "a v2 checkpoint re-encodes as the v3 it came from");
        RecordingListener fromV2 = new RecordingListener();
        RecordingListener fromV3 = new RecordingListener();
        GanTraining.run(EMA_CONFIG.withSteps(8), v2, fromV2);
        GanTraining.run(EMA_CONFIG.withSteps(8), v3, fromV3);
        assertEquals(fromV3.losses, fromV2.losses);
    }

    @Test
    void a_version_1_checkpoint_is_read_as_one_without_ema_and_training_resumes_from_it() throws IOException {
        // Written by the v1 code (commit cad89f9) for this config after 3 steps.
        OptimizerConfig adam = new OptimizerConfig("adam", 1e-3, 0.5, 0.9, "constant", 0);
        TrainingConfig config = new TrainingConfig(
                DataConfig.points("ring8"),
                ModelConfig.mlp(2, 8, 1, false),
                CONFIG.loss(),
                adam,
                adam,
                5,
                16,
                1,
                9,
                0,
                0,
                100,
                0,
                0,
                0);
        byte[] v1;
        try (InputStream in = CheckpointTest.class.getResourceAsStream("/training/checkpoint-v1.bin")) {
            v1 = in.readAllBytes();
        }
        assertEquals(1, ByteBuffer.wrap(v1, 8, 4).getInt());
        Checkpoint c = Checkpoint.decode(v1);
        assertEquals(3, c.step());
        assertEquals("mlp latentDim=2 hiddenUnits=8 hiddenLayers=1", c.modelSignature());
        assertEquals(
                List.of("fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias"),
                List.copyOf(c.generator().keySet()));
        assertEquals(3, c.generatorOptimizer().updates());
        assertEquals(3, c.discriminatorOptimizer().updates());
        assertTrue(c.generatorEma().isEmpty());

        RecordingListener resumed = new RecordingListener();
        TrainingResult result = GanTraining.run(config, v1, resumed);
        assertEquals(5, result.step());
        assertEquals(List.of(4L, 5L), List.copyOf(resumed.losses.keySet()));
        resumed.losses.values().forEach(m -> m.values().forEach(v -> assertTrue(Double.isFinite(v), m.toString())));
        assertEquals(
                3, ByteBuffer.wrap(resumed.checkpoints.get(5L), 8, 4).getInt(), "new checkpoints are written as v3");

        InvalidCheckpointException e = assertThrows(
                InvalidCheckpointException.class,
                () -> GanTraining.run(withEma(config, 0.99), v1, new RecordingListener()));
        assertTrue(e.getMessage().contains("no generator EMA"), e.getMessage());
    }

    @Test
    void a_run_and_its_checkpoint_must_agree_on_keeping_an_ema() {
        InvalidCheckpointException missing = assertThrows(
                InvalidCheckpointException.class,
                () -> GanTraining.run(EMA_CONFIG.withSteps(10), bytes, new RecordingListener()));
        assertTrue(missing.getMessage().contains("emaDecay 0.9"), missing.getMessage());
        InvalidCheckpointException extra = assertThrows(
                InvalidCheckpointException.class,
                () -> GanTraining.run(CONFIG.withSteps(10), emaBytes, new RecordingListener()));
        assertTrue(extra.getMessage().contains("holds a generator EMA"), extra.getMessage());
    }

    @Test
    void a_checkpoint_of_another_architecture_is_refused_by_name() {
        TrainingConfig wider = new TrainingConfig(
                CONFIG.data(),
                ModelConfig.mlp(2, 64, 2, false),
                CONFIG.loss(),
                CONFIG.generatorOptimizer(),
                CONFIG.discriminatorOptimizer(),
                10,
                CONFIG.batchSize(),
                1,
                CONFIG.seed(),
                0,
                0,
                100,
                0,
                0,
                0);
        InvalidCheckpointException e = assertThrows(
                InvalidCheckpointException.class, () -> GanTraining.run(wider, bytes, new RecordingListener()));
        assertTrue(
                e.getMessage().contains("hiddenUnits=32") && e.getMessage().contains("hiddenUnits=64"), e.getMessage());
    }

    @Test
    void a_checkpoint_whose_tensors_do_not_fit_is_refused_naming_the_parameter() {
        Checkpoint c = Checkpoint.decode(bytes);
        Map<String, TensorData> g = new LinkedHashMap<>(c.generator());
        g.put("fc1.weight", new TensorData(new long[] {16, 32}, new float[16 * 32]));
        byte[] forged = new Checkpoint(
                        c.step(),
                        c.modelSignature(),
                        g,
                        c.discriminator(),
                        c.generatorOptimizer(),
                        c.discriminatorOptimizer(),
                        c.generatorEma(),
                        java.util.List.of(),
                        Map.of())
                .encode();
        InvalidCheckpointException e = assertThrows(
                InvalidCheckpointException.class,
                () -> GanTraining.run(CONFIG.withSteps(10), forged, new RecordingListener()));
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    }

    @Test
    void corrupt_truncated_and_future_checkpoints_are_refused() {
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        assertTrue(assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(flipped))
                .getMessage()
                .contains("CRC"));

        byte[] truncated = java.util.Arrays.copyOf(bytes, 100);
        assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(truncated));

        byte[] future = bytes.clone();
        ByteBuffer.wrap(future, 8, 4).putInt(4);
        assertTrue(assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(future))
                .getMessage()
                .contains("version 4"));

        assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode("hello".getBytes()));
    }

    @Test
    void generator_sampler_draws_from_the_ema_when_the_checkpoint_holds_one() {
        Checkpoint c = Checkpoint.decode(emaBytes);
        float[] ema =
                GeneratorSampler.sample(EMA_CONFIG, emaBytes, 200, 5, null).values();
        float[] raw = GeneratorSampler.sample(CONFIG, withoutEma(c).encode(), 200, 5, null)
                .values();
        // The EMA's weights in the generator's place, as the only generator of a checkpoint.
        Checkpoint emaAsGenerator = new Checkpoint(
                c.step(),
                c.modelSignature(),
                c.generatorEma(),
                c.discriminator(),
                c.generatorOptimizer(),
                c.discriminatorOptimizer(),
                Map.of(),
                java.util.List.of(),
                Map.of());
        assertTrue(java.util.Arrays.equals(
                GeneratorSampler.sample(CONFIG, emaAsGenerator.encode(), 200, 5, null)
                        .values(),
                ema));
        assertFalse(java.util.Arrays.equals(raw, ema));
    }

    @Test
    void generator_sampler_draws_the_same_points_for_the_same_seed() {
        float[] a = GeneratorSampler.sample(CONFIG, bytes, 300, 77, null).values();
        float[] b = GeneratorSampler.sample(CONFIG, bytes, 300, 77, null).values();
        float[] c = GeneratorSampler.sample(CONFIG, bytes, 300, 78, null).values();
        assertEquals(600, a.length);
        assertTrue(java.util.Arrays.equals(a, b));
        assertTrue(!java.util.Arrays.equals(a, c));
    }
}
