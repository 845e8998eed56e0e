package dev.gantry.worker;

import java.time.Duration;
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
 */
@ConfigurationProperties("gantry.worker")
public record WorkerProperties(
        @DefaultValue("1") int localCount,
        @DefaultValue("-Xmx2g") String jvmOptions,
        @DefaultValue("1s") Duration metricsFlushInterval,
        @DefaultValue("30s") Duration drainTimeout,
        Long parentPid,
        @DefaultValue("1") int torchThreads) {}
