package dev.gantry.generation;

import dev.gantry.generation.child.GenerationChild;
import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationRequest;
import dev.gantry.process.SameJarCommand;
import dev.gantry.process.SupervisedProcess;
import dev.gantry.process.TorchChild;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The server's generation processes: {@code gantry.generation.local-count} children of the same
 * jar ({@link GenerationChild}), separate from the training workers, so drawing samples never
 * waits for a training job and never runs libtorch in the API process. Each serves one request
 * at a time over its stdin and stdout; a request waits at most {@code acquire-wait} for a free
 * one and is refused with a 503 after that, so a burst cannot pile up threads without bound. A
 * process that crashes, or overruns {@code request-timeout}, costs the request it was drawing
 * and is started again.
 */
@Component
@ConditionalOnExpression("'${gantry.role:server}' == 'server' && ${gantry.generation.local-count:1} > 0")
public class GenerationProcesses implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GenerationProcesses.class);

    private final GenerationProperties properties;
    private final Counter restarts;
    private final MeterRegistry meters;
    private final List<SupervisedProcess> children = new ArrayList<>();
    /** Processes that have said READY and draw nothing now. */
    private final BlockingQueue<GenerationChannel> idle = new LinkedBlockingQueue<>();
    /** Processes that have said READY and are alive, idle or drawing. */
    private final Set<GenerationChannel> ready = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "generation-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    GenerationProcesses(GenerationProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        this.restarts = meters.counter("gantry.generation.restarts");
        meters.gauge("gantry.generation.idle", idle, BlockingQueue::size);
    }

    /**
     * Draws with a free process.
     *
     * @param checkpoint the checkpoint's bytes, read only when the process does not hold it
     * @throws GenerationBusyException when every process stays busy for {@code acquire-wait}
     * @throws GenerationUnavailableException when none is up, or the one drawing stops
     */
    public Frames.Frame<GenerationReply> generate(GenerationRequest request, Supplier<byte[]> checkpoint) {
        return generate(request, checkpoint, new byte[0]);
    }

    /** @param input the request's input images, sent after the checkpoint's bytes */
    public Frames.Frame<GenerationReply> generate(
            GenerationRequest request, Supplier<byte[]> checkpoint, byte[] input) {
        return call(
                properties.acquireWait(),
                channel -> channel.exchange(request, checkpoint, input, properties.requestTimeout(), watchdog));
    }

    /**
     * Validates a feature network with a free process, waiting for one up to {@code wait}: its
     * module runs in that process, so a module that crashes or hangs it costs that process (killed
     * and restarted as after a crashed draw), never the API.
     *
     * @throws GenerationBusyException when every process stays busy for {@code wait}
     * @throws GenerationUnavailableException when none is up; {@link GenerationLostException} when
     *     the one probing stopped (crashed, or overran {@code request-timeout})
     */
    public Frames.Frame<GenerationReply> probe(GenerationRequest request, byte[] module, java.time.Duration wait) {
        return call(wait, channel -> channel.exchange(request, module, properties.requestTimeout(), watchdog));
    }

    private interface Exchange {
        Frames.Frame<GenerationReply> run(GenerationChannel channel) throws IOException;
    }

    private Frames.Frame<GenerationReply> call(java.time.Duration wait, Exchange exchange) {
        GenerationChannel channel = acquire(wait);
        boolean healthy = false;
        try {
            Frames.Frame<GenerationReply> reply = exchange.run(channel);
            healthy = true;
            count("answered");
            return reply;
        } catch (IOException e) {
            count(channel.timedOut() ? "timeout" : "crash");
            String why = channel.timedOut()
                    ? "did not answer within " + properties.requestTimeout().toSeconds() + " s and was stopped"
                    : e instanceof EOFException ? "exited while drawing" : "failed while drawing (" + e + ")";
            log.warn("Generation process {} (pid {}) {}", channel.index(), channel.pid(), why);
            throw new GenerationLostException(
                    "The generation process " + why + "; it is being restarted", channel.timedOut());
        } catch (RuntimeException e) {
            // Thrown before anything was written (reading the checkpoint): the channel is intact.
            healthy = true;
            throw e;
        } finally {
            if (healthy && channel.isAlive()) {
                idle.offer(channel);
            } else {
                // Half a frame may be in the pipes: the process must go, its supervisor restarts it.
                channel.close();
                kill(channel);
            }
        }
    }

    private GenerationChannel acquire(java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                GenerationChannel channel = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (channel == null) {
                    break;
                }
                if (channel.isAlive()) {
                    return channel;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ready.stream().noneMatch(GenerationChannel::isAlive)) {
            count("unavailable");
            throw new GenerationUnavailableException(
                    "No generation process is running; it is being restarted",
                    GenerationUnavailableException.RESTART_RETRY_AFTER_SECONDS);
        }
        count("busy");
        throw new GenerationBusyException((properties.localCount() == 1
                        ? "The generation process is busy with another request"
                        : "All " + properties.localCount() + " generation processes are busy with other requests")
                + "; the wait for one is capped at " + wait.toMillis() + " ms");
    }

    private void onStart(int index, Process process) {
        GenerationChannel channel = new GenerationChannel(index, process);
        process.onExit().thenRun(() -> {
            ready.remove(channel);
            idle.remove(channel);
        });
        Thread starter = new Thread(
                () -> {
                    try {
                        String engine = channel.awaitReady(properties.startTimeout(), watchdog);
                        log.info("Generation process {} (pid {}) ready: {}", index, process.pid(), engine);
                        ready.add(channel);
                        if (!process.isAlive()) {
                            // Its exit may have run before the add: undo, or a dead process counts as up.
                            ready.remove(channel);
                        } else {
                            idle.offer(channel);
                        }
                    } catch (IOException e) {
                        log.warn(
                                "Generation process {} (pid {}) did not start: {}", index, process.pid(), e.toString());
                        kill(channel);
                    }
                },
                "generation-" + index + "-start");
        starter.setDaemon(true);
        starter.start();
    }

    private static void kill(GenerationChannel channel) {
        ProcessHandle.of(channel.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }

    private void count(String outcome) {
        meters.counter("gantry.generation.requests", "outcome", outcome).increment();
    }

    /** Processes waiting for a request now. */
    int idleCount() {
        return idle.size();
    }

    /** Pids of the processes alive now, for tests and operators. */
    List<Long> pids() {
        return children.stream()
                .map(SupervisedProcess::process)
                .filter(Objects::nonNull)
                .filter(Process::isAlive)
                .map(Process::pid)
                .toList();
    }

    private ProcessBuilder builder(int index) {
        List<String> jvm = new ArrayList<>(SameJarCommand.split(properties.jvmOptions()));
        // An out-of-memory error leaves a JVM in an unknown state: end it, and the restart is clean.
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        jvm.addAll(TorchChild.jvmOptions(properties.torchThreads()));
        jvm.add("-Dai.djl.pytorch.graph_optimizer=false");
        ProcessBuilder builder = new ProcessBuilder(SameJarCommand.of(
                        jvm,
                        List.of(
                                GenerationChild.ROLE_ARGUMENT,
                                GenerationChild.CACHE_SIZE_ARGUMENT + properties.cacheSize(),
                                GenerationChild.INDEX_ARGUMENT + index)))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        TorchChild.environment(builder, properties.torchThreads());
        return builder;
    }

    @Override
    public void start() {
        running = true;
        children.addAll(SupervisedProcess.startAll(
                "generation process", properties.localCount(), this::builder, this::onStart, restarts));
    }

    /** A generation process holds nothing worth draining: SIGTERM, a short wait, then kill. */
    @Override
    public void stop() {
        running = false;
        idle.clear();
        children.forEach(SupervisedProcess::beginStop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        children.forEach(child -> child.awaitStop(deadline));
        watchdog.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
