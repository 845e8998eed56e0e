package dev.gantry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run's resident memory must stay flat: a leaked native handle per step shows up here long before
 * it kills a worker. Runs in a child JVM so that the measurement is of one run only, with the heap
 * fixed and pre-touched so heap growth cannot pass for a leak. Two probes: every per-step option of
 * the loop ({@link RssProbe}), and double backprop (gradient penalty with spectral norm and an
 * adaptive term, {@link PenaltyRssProbe}), which leaked about 6 MB per step through DJL's own
 * {@code backward(createGraph=true)}.
 */
class RssStabilityTest {

    private static final int WARM_UP_STEP = 300;

    @ParameterizedTest(name = "{0}: {1} steps, end within {2} × after warm-up")
    @CsvSource({"RssProbe, 3000, 1.15", "PenaltyRssProbe, 2000, 1.10"})
    void resident_memory_after_warm_up_stays_flat(String probe, int steps, double bound) throws Exception {
        ChildJvm.Result child = ChildJvm.run(
                Class.forName("dev.gantry.training." + probe),
                List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"),
                String.valueOf(steps));
        assertEquals(0, child.exitCode(), child::output);
        TreeMap<Long, Long> rss = RssProbe.readings(child);
        assertEquals(steps / 100, rss.size(), child::output);

        long start = rss.firstEntry().getValue();
        long warm = rss.get((long) WARM_UP_STEP);
        long max = rss.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = rss.lastEntry().getValue();
        System.out.printf(
                "%s RSS kB: start(step 100) %d, after warm-up(step %d) %d, max %d, end(step %d) %d; %.1f s%n",
                probe, start, WARM_UP_STEP, warm, max, steps, end, child.seconds());
        assertTrue(end <= warm * bound, "RSS grew from " + warm + " kB to " + end + " kB: " + rss);
    }
}
