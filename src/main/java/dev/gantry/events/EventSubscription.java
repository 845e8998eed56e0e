package dev.gantry.events;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open stream: the project's events, or one job's. It first replays the log after its cursor
 * (the client's {@code Last-Event-ID}), then sends what the server's fan-out offers, skipping
 * what the replay already sent, so the client sees every event once and in order.
 *
 * <p>Nothing here blocks the thread that offers: events wait in a bounded queue and one task at a
 * time per stream, on the shared sender threads, writes them. A client that lets the queue fill is
 * cut off (it resumes with {@code Last-Event-ID}); the emitter is only ever touched by that task.
 */
final class EventSubscription {

    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
    private static final int REPLAY_PAGE = 500;
    private static final Object HEARTBEAT = new Object();

    private final UUID project;
    private final UUID job;
    private final String client;
    private final SseEmitter emitter;
    private final EventLog events;
    private final Executor sender;
    private final int capacity;
    private final Consumer<EventSubscription> onEnd;

    // Guarded by this.
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private boolean live;
    private boolean scheduled;
    private boolean stop;
    private boolean ended;

    // Only the sending task reads and writes it.
    private long cursor;

    EventSubscription(
            UUID project,
            UUID job,
            String client,
            long cursor,
            SseEmitter emitter,
            EventLog events,
            Executor sender,
            int capacity,
            Consumer<EventSubscription> onEnd) {
        this.project = project;
        this.job = job;
        this.client = client;
        this.cursor = cursor;
        this.emitter = emitter;
        this.events = events;
        this.sender = sender;
        this.capacity = capacity;
        this.onEnd = onEnd;
    }

    String client() {
        return client;
    }

    /** Starts the replay; live events offered from now on are kept until it is done. */
    synchronized void start() {
        schedule();
    }

    void offer(StreamEvent event) {
        if (!project.equals(event.projectId()) || (job != null && !job.equals(event.jobId()))) {
            return;
        }
        synchronized (this) {
            if (ended || stop) {
                return;
            }
            if (queue.size() >= capacity) {
                // A slow reader: drop it rather than hold an unbounded backlog for it.
                stop = true;
                queue.clear();
                schedule();
                return;
            }
            queue.add(event);
            if (live) {
                schedule();
            }
        }
    }

    synchronized void heartbeat() {
        if (live && !ended && !stop && queue.isEmpty()) {
            queue.add(HEARTBEAT);
            schedule();
        }
    }

    /** Ends the stream soon (shutdown, timeout, client gone); safe to call more than once. */
    synchronized void close() {
        stop = true;
        schedule();
    }

    private void schedule() {
        if (!scheduled && !ended) {
            scheduled = true;
            sender.execute(this::drain);
        }
    }

    private void drain() {
        try {
            if (!isLive()) {
                if (replay()) {
                    end(true);
                    return;
                }
            }
            while (true) {
                Object next;
                synchronized (this) {
                    if (stop) {
                        break;
                    }
                    next = queue.poll();
                    if (next == null) {
                        scheduled = false;
                        return;
                    }
                }
                if (next == HEARTBEAT) {
                    emitter.send(EventStreams.keepAlive());
                } else if (send((StreamEvent) next) && job != null) {
                    end(true);
                    return;
                }
            }
            end(true);
        } catch (IOException e) {
            // The client went away: the container reports it and completes the request.
            end(false);
        } catch (RuntimeException e) {
            // The log could not be read, or the response is over already: end the stream rather
            // than leave it open and silent; the client resumes with Last-Event-ID.
            log.warn("Event stream ended by {}", e.toString());
            end(true);
        }
    }

    private synchronized boolean isLive() {
        return live;
    }

    /** @return whether the stream is over: a job stream whose job has reached a terminal state */
    private boolean replay() throws IOException {
        while (true) {
            List<StreamEvent> page = job == null
                    ? events.afterForProject(project, cursor, REPLAY_PAGE)
                    : events.afterForJob(job, cursor, REPLAY_PAGE);
            for (StreamEvent event : page) {
                synchronized (this) {
                    if (stop) {
                        return false;
                    }
                }
                send(event);
            }
            if (page.size() < REPLAY_PAGE) {
                break;
            }
        }
        if (job != null) {
            if (StreamEvent.isTerminal(events.stateAt(job, cursor).orElse(null))) {
                return true;
            }
        }
        synchronized (this) {
            live = true;
        }
        return false;
    }

    /** @return whether it was a terminal state, the last event of a job stream */
    private boolean send(StreamEvent event) throws IOException {
        if (event.position() <= cursor) {
            return false;
        }
        emitter.send(SseEmitter.event()
                .id(Long.toString(event.position()))
                .name(event.type())
                .data(event.data()));
        cursor = event.position();
        return event.terminal();
    }

    private void end(boolean complete) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            scheduled = false;
            queue.clear();
        }
        if (complete) {
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                // Already completed by the container (timeout, client gone).
            }
        }
        onEnd.accept(this);
    }
}
