package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Double backprop must not leak: DJL's own {@code backward(createGraph=true)} grew the process by
 * about 6 MB per step. This runs the gradient penalty (with spectral norm and an adaptive term)
 * for 2000 steps in a child JVM with a fixed, pre-touched heap and holds resident memory flat.
 */
class PenaltyRssStabilityTest {

    private static final int STEPS = 2000;
    private static final int WARM_UP_STEP = 300;

    @Test
    void resident_memory_with_gradient_penalty_stays_within_10_percent_after_warm_up() throws Exception {
        ChildJvm.Result child = ChildJvm.run(
                PenaltyRssProbe.class, List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"), String.valueOf(STEPS));
        assertEquals(0, child.exitCode(), child::output);
        TreeMap<Long, Long> rss = new TreeMap<>();
        for (String line : child.lines()) {
            if (line.startsWith("rss ")) {
                String[] parts = line.split(" ");
                rss.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        }
        assertEquals(STEPS / 100, rss.size(), child::output);

        long first = rss.firstEntry().getValue();
        long warm = rss.get((long) WARM_UP_STEP);
        long max = rss.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = rss.lastEntry().getValue();
        System.out.printf("RSS kB with gradient penalty: step 100 %d, after warm-up (step %d) %d, max %d, end (step %d) %d;"
                + " %.1f s%n", first, WARM_UP_STEP, warm, max, STEPS, end, child.seconds());
        assertTrue(end <= warm * 1.10, "RSS grew from " + warm + " kB to " + end + " kB: " + rss);
    }
}
