package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.training.model.TensorData;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    private static final TrainingConfig CONFIG = TestConfigs.tiny("ring8", "non-saturating", 5, 9);
    private static byte[] bytes;

    @BeforeAll
    static void train() {
        RecordingListener listener = new RecordingListener();
        GanTraining.run(CONFIG, null, listener);
        bytes = listener.checkpoints.get(5L);
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
        assertArrayEquals(new long[] {1, 32}, c.discriminator().get("fc2.weight").shape());
        assertEquals(5, c.generatorOptimizer().updates());
        assertEquals(5, c.discriminatorOptimizer().updates());
        assertEquals(c.discriminator().keySet(), c.discriminatorOptimizer().variances().keySet());
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
    }

    @Test
    void a_checkpoint_of_another_architecture_is_refused_by_name() {
        TrainingConfig wider = new TrainingConfig(CONFIG.dataset(), new ModelConfig("mlp", 2, 64, 2), CONFIG.loss(),
                CONFIG.generatorOptimizer(), CONFIG.discriminatorOptimizer(), 10, CONFIG.batchSize(), 1,
                CONFIG.seed(), 0, 0, 100, 0, 0, 0);
        InvalidCheckpointException e =
                assertThrows(InvalidCheckpointException.class, () -> GanTraining.run(wider, bytes, new RecordingListener()));
        assertTrue(e.getMessage().contains("hiddenUnits=32") && e.getMessage().contains("hiddenUnits=64"), e.getMessage());
    }

    @Test
    void a_checkpoint_whose_tensors_do_not_fit_is_refused_naming_the_parameter() {
        Checkpoint c = Checkpoint.decode(bytes);
        Map<String, TensorData> g = new LinkedHashMap<>(c.generator());
        g.put("fc1.weight", new TensorData(new long[] {16, 32}, new float[16 * 32]));
        byte[] forged = new Checkpoint(c.step(), c.modelSignature(), g, c.discriminator(), c.generatorOptimizer(),
                c.discriminatorOptimizer(), c.generatorEma()).encode();
        InvalidCheckpointException e =
                assertThrows(InvalidCheckpointException.class, () -> GanTraining.run(CONFIG.withSteps(10), forged, new RecordingListener()));
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    }

    @Test
    void corrupt_truncated_and_future_checkpoints_are_refused() {
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        assertTrue(assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(flipped)).getMessage().contains("CRC"));

        byte[] truncated = java.util.Arrays.copyOf(bytes, 100);
        assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(truncated));

        byte[] future = bytes.clone();
        ByteBuffer.wrap(future, 8, 4).putInt(3);
        assertTrue(assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode(future)).getMessage().contains("version 3"));

        assertThrows(InvalidCheckpointException.class, () -> Checkpoint.decode("hello".getBytes()));
    }

    @Test
    void generator_sampler_draws_the_same_points_for_the_same_seed() {
        float[][] a = GeneratorSampler.sample(CONFIG, bytes, 300, 77);
        float[][] b = GeneratorSampler.sample(CONFIG, bytes, 300, 77);
        float[][] c = GeneratorSampler.sample(CONFIG, bytes, 300, 78);
        assertEquals(300, a.length);
        assertEquals(2, a[0].length);
        assertTrue(java.util.Arrays.deepEquals(a, b));
        assertTrue(!java.util.Arrays.deepEquals(a, c));
    }
}
