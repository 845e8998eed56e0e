package dev.gantry.process;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child process kept alive by its server: started, started again whenever it exits (after a
 * {@link RestartBackoff} pause), and stopped with SIGTERM, then killed when it does not stop in
 * time. A child's crash therefore costs what it was doing, never the server.
 */
public final class SupervisedProcess {

    private static final Logger log = LoggerFactory.getLogger(SupervisedProcess.class);

    private final String name;
    private final Supplier<ProcessBuilder> builder;
    private final Consumer<Process> onStart;
    private final Consumer<Process> onExit;
    private final Counter restarts;
    private final RestartBackoff backoff;
    private volatile Process process;
    private volatile boolean running;

    /**
     * @param name for logs, such as {@code local worker 1}
     * @param builder a fresh builder for every start
     * @param onStart called with each new process, before its exit is watched
     * @param onExit called with each process that exited, before it is started again (also while
     *     stopping), to clean up after it at once
     * @param restarts counts restarts after an exit
     */
    public SupervisedProcess(
            String name,
            Supplier<ProcessBuilder> builder,
            Consumer<Process> onStart,
            Consumer<Process> onExit,
            Counter restarts,
            InstantSource clock) {
        this.name = name;
        this.builder = builder;
        this.onStart = onStart;
        this.onExit = onExit;
        this.restarts = restarts;
        this.backoff = new RestartBackoff(clock);
    }

    public void start() {
        running = true;
        launch();
    }

    /**
     * Starts {@code count} children named {@code "<name> 1"} … with the system clock.
     *
     * @param builder a fresh builder for child i (from 1), at every start
     * @param onStart called with child i's every new process
     */
    public static List<SupervisedProcess> startAll(
            String name,
            int count,
            IntFunction<ProcessBuilder> builder,
            BiConsumer<Integer, Process> onStart,
            Counter restarts) {
        return startAll(name, count, builder, onStart, (i, p) -> {}, restarts);
    }

    /**
     * As {@link #startAll(String, int, IntFunction, BiConsumer, Counter)}, with {@code onExit}
     * called with child i's every exited process.
     */
    public static List<SupervisedProcess> startAll(
            String name,
            int count,
            IntFunction<ProcessBuilder> builder,
            BiConsumer<Integer, Process> onStart,
            BiConsumer<Integer, Process> onExit,
            Counter restarts) {
        List<SupervisedProcess> children = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int index = i;
            SupervisedProcess child = new SupervisedProcess(
                    name + " " + index,
                    () -> builder.apply(index),
                    p -> onStart.accept(index, p),
                    p -> onExit.accept(index, p),
                    restarts,
                    InstantSource.system());
            children.add(child);
            child.start();
        }
        return children;
    }

    /** The current process, alive or not; null before the first start or while a start failed. */
    public Process process() {
        return process;
    }

    private synchronized void launch() {
        if (!running) {
            return;
        }
        try {
            Process started = builder.get().start();
            backoff.started();
            process = started;
            log.info("Started {} (pid {})", name, started.pid());
            onStart.accept(started);
            started.onExit().thenAccept(this::onExit);
        } catch (IOException | RuntimeException e) {
            log.error("Could not start {}", name, e);
            scheduleRestart();
        }
    }

    private void onExit(Process exited) {
        try {
            onExit.accept(exited);
        } catch (RuntimeException e) {
            log.error("Cleaning up after {} (pid {}) failed", name, exited.pid(), e);
        }
        if (!running) {
            return;
        }
        log.warn("{} (pid {}) exited with {}; restarting", name, exited.pid(), exited.exitValue());
        restarts.increment();
        scheduleRestart();
    }

    private void scheduleRestart() {
        Duration wait = backoff.exited();
        Thread restart = new Thread(
                () -> {
                    try {
                        Thread.sleep(wait.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    launch();
                },
                name.replace(' ', '-') + "-restart");
        restart.setDaemon(true);
        restart.start();
    }

    /** Stops restarting and sends SIGTERM; {@link #awaitStop} waits for the exit. */
    public synchronized void beginStop() {
        running = false;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    /** Waits until {@code deadline} ({@link System#nanoTime()}) for the exit, then kills. */
    public void awaitStop(long deadline) {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                log.warn("{} did not stop in time; killing it", name);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    public boolean isRunning() {
        return running;
    }
}
