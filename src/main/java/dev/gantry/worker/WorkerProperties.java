package dev.gantry.worker;

import dev.gantry.scheduler.ClaimGroup;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param localCount worker child processes a server supervises on its own machine (0 in a cluster)
 * @param jvmOptions JVM options of those child processes, split on spaces
 * @param metricsFlushInterval how often a worker writes buffered metric points and progress
 * @param drainTimeout how long a stopping worker may take to checkpoint and hand back its job
 * @param parentPid set on a local child: the worker exits when this process (its server) is gone
 * @param torchThreads libtorch intra-op threads of each local worker; OpenMP threads spin while
 *     waiting, so more threads than free cores makes training collapse (measured: 69 steps/s with
 *     one thread, under 4 steps/s with two, beside one other busy process on 2 cores)
 * @param device {@code cpu}, {@code gpu} (the worker refuses to start without one) or {@code auto}
 *     (a GPU when libtorch sees one); a server with local workers starts one per GPU for
 *     {@code gpu}, and for {@code auto} when it finds GPUs
 * @param idSuffix set on a local child by its server: the end of the worker's id, so the server
 *     knows which jobs the child held when it exits
 * @param localSpare whether a server on the CPU starts one more local worker than
 *     {@code local-count}, idle until a sibling dies: its job then runs again at once instead of
 *     after a new process has started
 * @param claimGroup set on a local child by its server: the group whose members together run at
 *     most {@code claim-group-limit} jobs
 * @param claimGroupLimit the group's limit, set with {@code claim-group}
 */
@ConfigurationProperties("gantry.worker")
public record WorkerProperties(
        @DefaultValue("1") int localCount,
        @DefaultValue("-Xmx2g") String jvmOptions,
        @DefaultValue("1s") Duration metricsFlushInterval,
        @DefaultValue("30s") Duration drainTimeout,
        Long parentPid,
        @DefaultValue("1") int torchThreads,
        @DefaultValue("auto") String device,
        String idSuffix,
        @DefaultValue("true") boolean localSpare,
        String claimGroup,
        @DefaultValue("1") int claimGroupLimit) {

    static final Set<String> DEVICES = Set.of("cpu", "gpu", "auto");

    /** The group this worker claims in, or null for a worker on its own. */
    ClaimGroup group() {
        return claimGroup == null ? null : new ClaimGroup(claimGroup, claimGroupLimit);
    }

    public WorkerProperties {
        if (!DEVICES.contains(device)) {
            throw new IllegalArgumentException("gantry.worker.device must be cpu, gpu or auto, not '" + device + "'");
        }
    }
}
