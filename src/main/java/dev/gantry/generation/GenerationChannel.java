package dev.gantry.generation;

import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationReply.Kind;
import dev.gantry.generation.protocol.GenerationRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipes to one generation process, used by one request at a time. A deadline guards every
 * exchange: a process that does not answer in time is killed, so the blocked read ends with the
 * pipe and the request fails instead of hanging.
 */
final class GenerationChannel {

    private final int index;
    private final Process process;
    private final DataInputStream in;
    private final DataOutputStream out;
    /** What the process reported holding after its last answer: its bytes need not be sent again. */
    private final Set<String> cached = ConcurrentHashMap.newKeySet();

    private volatile boolean timedOut;

    GenerationChannel(int index, Process process) {
        this.index = index;
        this.process = process;
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    }

    int index() {
        return index;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the READY frame, killing the process when it does not come within {@code timeout}. */
    String awaitReady(Duration timeout, ScheduledExecutorService watchdog) throws IOException {
        GenerationReply ready = guarded(timeout, watchdog, () -> Frames.read(in, GenerationReply.class))
                .header();
        if (ready.kind() != Kind.READY) {
            throw new IOException("generation process " + index + " started with " + ready.kind() + ", not READY");
        }
        return ready.message();
    }

    /**
     * The answer to a request; the checkpoint's bytes are read and sent only when the process lacks
     * them.
     *
     * @param input the request's input images ({@link GenerationRequest#inputShape}), or empty
     */
    Frames.Frame<GenerationReply> exchange(
            GenerationRequest request,
            Supplier<byte[]> checkpoint,
            byte[] input,
            Duration timeout,
            ScheduledExecutorService watchdog)
            throws IOException {
        return guarded(timeout, watchdog, () -> {
            boolean sendBytes = !cached.contains(request.cacheKey());
            Frames.Frame<GenerationReply> reply =
                    send(request, concat(sendBytes ? checkpoint.get() : new byte[0], input));
            if (reply.header().kind() == Kind.MISSING_CHECKPOINT && !sendBytes) {
                reply = send(request, concat(checkpoint.get(), input));
            }
            return reply;
        });
    }

    /** A request whose body always travels (a feature network's module). */
    Frames.Frame<GenerationReply> exchange(
            GenerationRequest request, byte[] body, Duration timeout, ScheduledExecutorService watchdog)
            throws IOException {
        return guarded(timeout, watchdog, () -> send(request, body));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Frames.Frame<GenerationReply> send(GenerationRequest request, byte[] body) throws IOException {
        Frames.write(out, request, body);
        Frames.Frame<GenerationReply> reply = Frames.read(in, GenerationReply.class);
        cached.clear();
        cached.addAll(reply.header().cached());
        return reply;
    }

    boolean timedOut() {
        return timedOut;
    }

    /** Ends the process's stdin: it finishes what it draws and exits. */
    void close() {
        try {
            out.close();
        } catch (IOException e) {
            // The process is gone already.
        }
    }

    private interface Exchange<T> {
        T run() throws IOException;
    }

    private <T> T guarded(Duration timeout, ScheduledExecutorService watchdog, Exchange<T> exchange)
            throws IOException {
        ScheduledFuture<?> kill = watchdog.schedule(
                () -> {
                    timedOut = true;
                    process.destroyForcibly();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return exchange.run();
        } finally {
            kill.cancel(false);
        }
    }
}
