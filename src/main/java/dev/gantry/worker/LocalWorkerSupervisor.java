package dev.gantry.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.process.SameJarCommand;
import dev.gantry.process.SupervisedProcess;
import dev.gantry.process.TorchChild;
import dev.gantry.scheduler.SchedulerProperties;
import dev.gantry.storage.StorageProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Local mode: the server runs its workers as child processes of the same jar, so a libtorch crash,
 * out-of-memory or leak costs one worker, never the API. A child that dies is started again, with
 * a growing pause if it keeps dying.
 */
@Component
@ConditionalOnExpression("'${gantry.role:server}' == 'server' && ${gantry.worker.local-count:1} > 0")
class LocalWorkerSupervisor implements SmartLifecycle {

    private final WorkerProperties properties;
    private final SchedulerProperties scheduling;
    private final HikariDataSource dataSource;
    private final Path dataDir;
    private final StorageProperties storage;
    private final Counter restarts;
    private final List<SupervisedProcess> children = new ArrayList<>();
    private volatile boolean running;

    LocalWorkerSupervisor(
            WorkerProperties properties,
            SchedulerProperties scheduling,
            DataSource dataSource,
            @Value("${gantry.data-dir}") Path dataDir,
            StorageProperties storage,
            MeterRegistry meters)
            throws SQLException {
        this.properties = properties;
        this.scheduling = scheduling;
        this.dataSource = dataSource.unwrap(HikariDataSource.class);
        this.dataDir = dataDir.toAbsolutePath();
        this.storage = storage;
        this.restarts = meters.counter("gantry.worker.local.restarts");
    }

    List<Long> workerPids() {
        return children.stream()
                .map(SupervisedProcess::process)
                .filter(p -> p != null && p.isAlive())
                .map(Process::pid)
                .toList();
    }

    private ProcessBuilder builder(int index) {
        // Workers log to the server's console: one place to watch a run's progress.
        ProcessBuilder builder = new ProcessBuilder(command(index)).inheritIO();
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", nullToEmpty(dataSource.getPassword()));
        // The same object store as the server: its folder, or its bucket and the AWS credentials.
        builder.environment().putAll(StorageProperties.childEnvironment());
        TorchChild.environment(builder, properties.torchThreads());
        return builder;
    }

    private List<String> command(int index) {
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
                "--gantry.worker.parent-pid=" + ProcessHandle.current().pid()));
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
                "local worker", properties.localCount(), this::builder, (i, p) -> {}, restarts));
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
