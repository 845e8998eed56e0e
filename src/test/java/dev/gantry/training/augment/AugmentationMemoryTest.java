package dev.gantry.training.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Augmenting inside a step's sub-manager leaves nothing behind: no array handle on the long-lived
 * manager (checked at once, in process), and no native memory (RSS of a child JVM with a fixed,
 * pre-touched heap, as {@code RssStabilityTest} measures a run).
 */
class AugmentationMemoryTest {

    private static final Shape BATCH = new Shape(8, 3, 16, 16);

    @Test
    void augmenting_inside_a_step_sub_manager_leaves_no_arrays_on_the_base_manager() {
        Augmentation all = Augmentation.parse("color,translation,cutout");
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray theta = base.randomNormal(BATCH);
            theta.setRequiresGradient(true);
            int before = -1;
            for (int i = 0; i < 50; i++) {
                SplittableRandom rng = new SplittableRandom(i);
                try (NDManager step = base.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray fake = step.ones(BATCH).mul(theta);
                    NDArray real = step.randomUniform(-1, 1, BATCH);
                    collector.backward(all.apply(fake, rng, 0.7)
                            .sum()
                            .add(all.apply(real, rng).sum()));
                    theta.getGradient().close();
                }
                if (i == 0) {
                    before = base.getManagedArrays().size();
                }
            }
            assertEquals(before, base.getManagedArrays().size());
        }
    }

    /** The child's resident set, read while it runs on (it is a step or so further by then). */
    private static long rssKb(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    @Test
    void resident_memory_stays_flat_over_1000_augmented_steps() throws Exception {
        int iterations = 1000;
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Xms256m",
                "-Xmx256m",
                "-XX:+AlwaysPreTouch",
                "-cp",
                System.getProperty("java.class.path"),
                AugmentRssProbe.class.getName(),
                String.valueOf(iterations));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Passive OpenMP waits: spinning threads beside other JVMs slow everything down ~70×.
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process child = builder.start();
        StringBuilder output = new StringBuilder();
        TreeMap<Long, Long> rss = new TreeMap<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("at ")) {
                    rss.put(Long.parseLong(line.substring(3)), rssKb(child.pid()));
                }
            }
        }
        assertEquals(0, child.waitFor(), output::toString);
        assertEquals(iterations / 100, rss.size(), output::toString);
        long warm = rss.get(300L);
        long end = rss.lastEntry().getValue();
        System.out.printf(
                "augmentation RSS kB: step 100 %d, step 300 %d, end %d%n",
                rss.firstEntry().getValue(), warm, end);
        // A leaked 64×3×32×32 float batch per step would add 786 kB × 700 ≈ 550 MB.
        assertTrue(end <= warm * 1.10, "RSS grew from " + warm + " kB to " + end + " kB: " + rss);
    }
}
