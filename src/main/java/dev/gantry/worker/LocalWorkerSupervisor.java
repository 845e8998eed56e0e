package dev.gantry.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.process.SameJarCommand;
import dev.gantry.process.SupervisedProcess;
import dev.gantry.process.TorchChild;
import dev.gantry.scheduler.ClaimGroup;
import dev.gantry.scheduler.LeaseReaper;
import dev.gantry.scheduler.SchedulerProperties;
import dev.gantry.storage.StorageProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Local mode: the server runs its workers as child processes of the same jar, so a libtorch crash,
 * out-of-memory or leak costs one worker, never the API. A child that dies is started again, with
 * a growing pause if it keeps dying, and the job it held goes back to the queue the moment it
 * exits: its death is certain, so there is no lease to wait out. On the CPU it also keeps a warm
 * spare: one child more than {@code local-count}, in a claim group that runs at most
 * {@code local-count} jobs, so a requeued job is claimed at once by a process already started,
 * and the restarted child becomes the next spare.
 */
@Component
@ConditionalOnExpression("'${gantry.role:server}' == 'server' && ${gantry.worker.local-count:1} > 0")
class LocalWorkerSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkerSupervisor.class);

    private final WorkerProperties properties;
    private final SchedulerProperties scheduling;
    private final HikariDataSource dataSource;
    private final Path dataDir;
    private final StorageProperties storage;
    private final Counter restarts;
    private final LeaseReaper reaper;
    private final List<LocalWorkerPlan.Slot> plan;
    private final ClaimGroup group;
    private final Map<Integer, String> nextSuffix = new ConcurrentHashMap<>();
    private final Map<Long, String> suffixByPid = new ConcurrentHashMap<>();
    private final List<SupervisedProcess> children = new ArrayList<>();
    private volatile boolean running;

    LocalWorkerSupervisor(
            WorkerProperties properties,
            SchedulerProperties scheduling,
            DataSource dataSource,
            @Value("${gantry.data-dir}") Path dataDir,
            StorageProperties storage,
            LeaseReaper reaper,
            MeterRegistry meters)
            throws SQLException {
        this.properties = properties;
        this.scheduling = scheduling;
        this.dataSource = dataSource.unwrap(HikariDataSource.class);
        this.dataDir = dataDir.toAbsolutePath();
        this.storage = storage;
        this.restarts = meters.counter("gantry.worker.local.restarts");
        this.reaper = reaper;
        List<LocalWorkerPlan.Slot> runners = LocalWorkerPlan.of(
                properties.device(), properties.localCount(), LocalGpus.detect(System.getenv(), LocalGpus.NVIDIA_PROC));
        this.plan = properties.localSpare() ? LocalWorkerPlan.withSpare(runners) : runners;
        this.group = plan.size() > runners.size()
                ? new ClaimGroup("local-workers-" + UUID.randomUUID(), runners.size())
                : null;
        if (group != null) {
            log.info(
                    "{} local worker(s) and a warm spare, which claims only when a sibling's job is requeued",
                    runners.size());
        }
    }

    List<Long> workerPids() {
        return children.stream()
                .map(SupervisedProcess::process)
                .filter(p -> p != null && p.isAlive())
                .map(Process::pid)
                .toList();
    }

    private ProcessBuilder builder(int index) {
        LocalWorkerPlan.Slot slot = plan.get(index - 1);
        String suffix = WorkerIds.newSuffix();
        nextSuffix.put(index, suffix);
        // Workers log to the server's console: one place to watch a run's progress.
        ProcessBuilder builder = new ProcessBuilder(command(index, slot, suffix)).inheritIO();
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", nullToEmpty(dataSource.getPassword()));
        // The same object store as the server: its folder, or its bucket and the AWS credentials.
        builder.environment().putAll(StorageProperties.childEnvironment());
        // One GPU per worker, or none at all for a CPU worker (libtorch would otherwise take GPU 0).
        builder.environment().put("CUDA_VISIBLE_DEVICES", slot.cudaVisibleDevices());
        TorchChild.environment(builder, properties.torchThreads());
        return builder;
    }

    private void started(int index, Process process) {
        suffixByPid.put(process.pid(), nextSuffix.get(index));
    }

    /** Runs on the exit of every child, before it is started again. */
    private void exited(int index, Process process) {
        String suffix = suffixByPid.remove(process.pid());
        if (suffix == null) {
            return;
        }
        int code = process.exitValue();
        String reason = "local worker " + index + " exited with code " + code
                + (code > 128 ? " (signal " + (code - 128) + ")" : "");
        reaper.takeBackFromExitedWorker(WorkerIds.of(process.pid(), suffix), reason);
    }

    private List<String> command(int index, LocalWorkerPlan.Slot slot, String suffix) {
        List<String> jvm = new ArrayList<>(SameJarCommand.split(properties.jvmOptions()));
        jvm.addAll(TorchChild.jvmOptions(properties.torchThreads()));
        List<String> arguments = new ArrayList<>(List.of(
                "--gantry.role=worker",
                "--spring.main.web-application-type=none",
                "--spring.flyway.enabled=false",
                "--spring.application.name=gantry-worker-" + index,
                "--spring.datasource.url=" + dataSource.getJdbcUrl(),
                "--spring.datasource.username=" + nullToEmpty(dataSource.getUsername()),
                "--gantry.data-dir=" + dataDir,
                "--gantry.scheduler.lease-duration="
                        + scheduling.leaseDuration().toMillis() + "ms",
                "--gantry.scheduler.heartbeat-interval="
                        + scheduling.heartbeatInterval().toMillis() + "ms",
                "--gantry.worker.metrics-flush-interval="
                        + properties.metricsFlushInterval().toMillis() + "ms",
                "--gantry.worker.device=" + slot.device(),
                "--gantry.worker.id-suffix=" + suffix,
                "--gantry.worker.parent-pid=" + ProcessHandle.current().pid()));
        if (group != null) {
            arguments.add("--gantry.worker.claim-group=" + group.name());
            arguments.add("--gantry.worker.claim-group-limit=" + group.limit());
        }
        arguments.addAll(storage.childArguments());
        return SameJarCommand.of(jvm, arguments);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void start() {
        running = true;
        children.addAll(SupervisedProcess.startAll(
                "local worker", plan.size(), this::builder, this::started, this::exited, restarts));
    }

    /** SIGTERM lets each worker checkpoint and hand back its job; a worker that will not stop is killed. */
    @Override
    public void stop() {
        running = false;
        children.forEach(SupervisedProcess::beginStop);
        long deadline = System.nanoTime() + properties.drainTimeout().toNanos();
        children.forEach(child -> child.awaitStop(deadline));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
