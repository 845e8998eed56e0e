package dev.gantry.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
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
 * a growing pause if it keeps dying.
 */
@Component
@ConditionalOnExpression("'${gantry.role:server}' == 'server' && ${gantry.worker.local-count:1} > 0")
class LocalWorkerSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkerSupervisor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final WorkerProperties properties;
    private final SchedulerProperties scheduling;
    private final HikariDataSource dataSource;
    private final Path dataDir;
    private final Path storageFolder;
    private final Counter restarts;
    private final List<Child> children = new ArrayList<>();
    private volatile boolean running;

    LocalWorkerSupervisor(
            WorkerProperties properties,
            SchedulerProperties scheduling,
            DataSource dataSource,
            @Value("${gantry.data-dir}") Path dataDir,
            @Value("${gantry.storage.folder}") Path storageFolder,
            MeterRegistry meters)
            throws SQLException {
        this.properties = properties;
        this.scheduling = scheduling;
        this.dataSource = dataSource.unwrap(HikariDataSource.class);
        this.dataDir = dataDir.toAbsolutePath();
        this.storageFolder = storageFolder.toAbsolutePath();
        this.restarts = meters.counter("gantry.worker.local.restarts");
    }

    /** One supervised worker slot: its current process and how long to wait before the next restart. */
    private final class Child {
        final int index;
        volatile Process process;
        Duration backoff = Duration.ofSeconds(1);

        Child(int index) {
            this.index = index;
        }

        void start() {
            try {
                // Workers log to the server's console: one place to watch a run's progress.
                ProcessBuilder builder = new ProcessBuilder(command(index)).inheritIO();
                builder.environment().put("SPRING_DATASOURCE_PASSWORD", nullToEmpty(dataSource.getPassword()));
                builder.environment().put("OMP_NUM_THREADS", String.valueOf(properties.torchThreads()));
                // Idle OpenMP threads sleep instead of spinning: a co-tenant process cannot then
                // slow training by orders of magnitude (docs/architecture.md).
                builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
                process = builder.start();
                LocalWorkerSupervisor.log.info("Started local worker {} (pid {})", index, process.pid());
                long startedAt = System.nanoTime();
                process.onExit().thenAccept(p -> onExit(p, startedAt));
            } catch (IOException e) {
                LocalWorkerSupervisor.log.error("Could not start local worker {}", index, e);
                scheduleRestart();
            }
        }

        private void onExit(Process exited, long startedAt) {
            if (!running) {
                return;
            }
            LocalWorkerSupervisor.log.warn(
                    "Local worker {} (pid {}) exited with {}; restarting", index, exited.pid(), exited.exitValue());
            restarts.increment();
            // A worker that ran a while earns a quick restart; one that dies at once backs off.
            if (System.nanoTime() - startedAt > TimeUnit.MINUTES.toNanos(1)) {
                backoff = Duration.ofSeconds(1);
            }
            scheduleRestart();
        }

        private void scheduleRestart() {
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            Thread restart = new Thread(
                    () -> {
                        try {
                            Thread.sleep(wait.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (running) {
                            start();
                        }
                    },
                    "worker-" + index + "-restart");
            restart.setDaemon(true);
            restart.start();
        }
    }

    List<Long> workerPids() {
        return children.stream()
                .map(c -> c.process)
                .filter(p -> p != null && p.isAlive())
                .map(Process::pid)
                .toList();
    }

    private List<String> command(int index) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String option : properties.jvmOptions().trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=" + properties.torchThreads());
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.addAll(launcher());
        command.add("--gantry.role=worker");
        command.add("--spring.main.web-application-type=none");
        command.add("--spring.flyway.enabled=false");
        command.add("--spring.application.name=gantry-worker-" + index);
        command.add("--spring.datasource.url=" + dataSource.getJdbcUrl());
        command.add("--spring.datasource.username=" + nullToEmpty(dataSource.getUsername()));
        command.add("--gantry.data-dir=" + dataDir);
        command.add("--gantry.storage.folder=" + storageFolder);
        command.add("--gantry.scheduler.lease-duration="
                + scheduling.leaseDuration().toMillis() + "ms");
        command.add("--gantry.scheduler.heartbeat-interval="
                + scheduling.heartbeatInterval().toMillis() + "ms");
        command.add("--gantry.worker.metrics-flush-interval="
                + properties.metricsFlushInterval().toMillis() + "ms");
        command.add("--gantry.worker.parent-pid=" + ProcessHandle.current().pid());
        return command;
    }

    /** The same code this server runs: its executable jar, or its class path (IDE, spring-boot:run, tests). */
    private static List<String> launcher() {
        String classPath = System.getProperty("java.class.path");
        if (!classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar") && isBootJar(classPath)) {
            return List.of("-jar", classPath);
        }
        return List.of("-cp", classPath, "dev.gantry.GantryApplication");
    }

    private static boolean isBootJar(String path) {
        try (JarFile jar = new JarFile(path)) {
            return jar.getManifest() != null
                    && jar.getManifest().getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void start() {
        running = true;
        for (int i = 1; i <= properties.localCount(); i++) {
            Child child = new Child(i);
            children.add(child);
            child.start();
        }
    }

    /** SIGTERM lets each worker checkpoint and hand back its job; a worker that will not stop is killed. */
    @Override
    public void stop() {
        running = false;
        for (Child child : children) {
            if (child.process != null) {
                child.process.destroy();
            }
        }
        long deadline = System.nanoTime() + properties.drainTimeout().toNanos();
        for (Child child : children) {
            Process p = child.process;
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("Local worker {} did not stop in time; killing it", child.index);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
