package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A run's resident memory must stay flat: a leaked native handle per step shows up here long before
 * it kills a worker. Runs in a child JVM so that the measurement is of one run only, with the heap
 * fixed and pre-touched so heap growth cannot pass for a leak.
 */
class RssStabilityTest {

    private static final int STEPS = 3000;
    private static final int WARM_UP_STEP = 300;

    @Test
    void resident_memory_after_warm_up_stays_within_15_percent_over_3000_steps() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // One intra-op thread and a passive OpenMP wait policy: with the default policy two busy
        // libtorch processes on the same cores (this child beside another test JVM) each spin on
        // OpenMP barriers and slow down ~70x. Thread count does not change what leaks.
        List<String> command = List.of(java, "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), RssProbe.class.getName(), String.valueOf(STEPS));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process child = builder.start();
        TreeMap<Long, Long> rss = new TreeMap<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                if (line.startsWith("rss ")) {
                    String[] parts = line.split(" ");
                    rss.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                }
            }
        } finally {
            if (!child.waitFor(10, TimeUnit.MINUTES)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue(), () -> String.join("\n", output));
        assertEquals(STEPS / 100, rss.size(), () -> String.join("\n", output));

        long start = rss.firstEntry().getValue();
        long warm = rss.get((long) WARM_UP_STEP);
        long max = rss.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = rss.lastEntry().getValue();
        System.out.printf("RSS kB: start(step 100) %d, after warm-up(step %d) %d, max %d, end(step %d) %d%n",
                start, WARM_UP_STEP, warm, max, STEPS, end);
        assertTrue(end <= warm * 1.15, "RSS grew from " + warm + " kB to " + end + " kB: " + rss);
    }
}
