package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;

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
        ChildJvm.Result child = ChildJvm.run(
                RssProbe.class, List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"), String.valueOf(STEPS));
        assertEquals(0, child.exitCode(), child::output);
        TreeMap<Long, Long> rss = new TreeMap<>();
        for (String line : child.lines()) {
            if (line.startsWith("rss ")) {
                String[] parts = line.split(" ");
                rss.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        }
        assertEquals(STEPS / 100, rss.size(), child::output);

        long start = rss.firstEntry().getValue();
        long warm = rss.get((long) WARM_UP_STEP);
        long max = rss.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = rss.lastEntry().getValue();
        System.out.printf("RSS kB: start(step 100) %d, after warm-up(step %d) %d, max %d, end(step %d) %d%n",
                start, WARM_UP_STEP, warm, max, STEPS, end);
        assertTrue(end <= warm * 1.15, "RSS grew from " + warm + " kB to " + end + " kB: " + rss);
    }
}
