package dev.gantry.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A server's live event streams. One thread per server listens on PostgreSQL for new events
 * ({@code gantry_stream_pending} from the triggers and the metric writer, {@code gantry_stream}
 * from a sequencer),
 * places them ({@link EventLog#place}), reads them once, and offers each to every open stream of
 * this server; a few sender threads write them out. The streams hold no request thread.
 *
 * <p>Stopped before the web server's graceful shutdown (a higher phase stops first): every stream
 * is completed, so open streams do not hold the shutdown for its whole grace period.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
@EnableConfigurationProperties(EventsProperties.class)
public class EventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final int PAGE = 1000;

    /** A fresh one each time: a builder keeps what it built. */
    static SseEmitter.SseEventBuilder keepAlive() {
        return SseEmitter.event().comment(" keep-alive");
    }

    private final DataSource dataSource;
    private final EventLog events;
    private final EventsProperties properties;
    private final Set<EventSubscription> open = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    // Made at every start: a context can be stopped and started again (Spring pauses cached test
    // contexts), and a stopped executor cannot be restarted.
    private volatile ExecutorService sender;
    private volatile ScheduledExecutorService timers;
    private volatile boolean running;
    private Thread listener;
    // Written by the listener thread only: every event up to here has been offered to the streams.
    private volatile long fannedOut;

    EventStreams(DataSource dataSource, EventLog events, EventsProperties properties) {
        this.dataSource = dataSource;
        this.events = events;
        this.properties = properties;
    }

    /**
     * Opens a stream of the project's events, or of one job's ({@code job} not null).
     *
     * @param client whom the per-key limit counts (the key's id)
     * @param after the client's {@code Last-Event-ID}; null: a job stream starts at the job's first
     *     event, a project stream at the next one
     * @throws TooManyStreamsException when the client holds its maximum of streams
     * @throws StreamsUnavailableException when the server is stopping or full
     */
    public SseEmitter open(String client, UUID project, UUID job, Long after) {
        if (!running) {
            throw new StreamsUnavailableException("the server is shutting down; reconnect to another");
        }
        // Counted inside the map's compute, so a release that empties the entry cannot race an open.
        boolean admitted = perClient.merge(client, 1, Integer::sum) <= properties.maxStreamsPerKey();
        if (!admitted) {
            unclaim(client);
            throw new TooManyStreamsException(properties.maxStreamsPerKey());
        }
        if (total.incrementAndGet() > properties.maxStreams()) {
            total.decrementAndGet();
            unclaim(client);
            throw new StreamsUnavailableException("this server holds its maximum of " + properties.maxStreams()
                    + " event streams (gantry.events.max-streams)");
        }
        long cursor = after != null ? after : job != null ? 0 : fannedOut;
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        try {
            // Sent as the handler returns: the status and headers reach the client at once, not
            // with the first event, which on a quiet project may be minutes away.
            emitter.send(keepAlive());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EventSubscription subscription = new EventSubscription(
                project, job, client, cursor, emitter, events, sender, properties.buffer(), this::release);
        emitter.onTimeout(subscription::close);
        emitter.onError(e -> subscription.close());
        emitter.onCompletion(() -> release(subscription));
        // Registered before the replay reads the log: an event committed meanwhile is either in
        // the replay or offered after it, and the position filter drops the one seen twice.
        open.add(subscription);
        subscription.start();
        return emitter;
    }

    public int openStreams() {
        return open.size();
    }

    private void release(EventSubscription subscription) {
        subscription.close();
        if (open.remove(subscription)) {
            total.decrementAndGet();
            unclaim(subscription.client());
        }
    }

    private void unclaim(String client) {
        perClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN gantry_stream_pending");
                    statement.execute("LISTEN gantry_stream");
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                // Whatever was written while nobody listened.
                catchUp();
                while (running) {
                    pg.getNotifications((int) properties.pollInterval().toMillis());
                    // Notified or not: a poll round also covers a notification lost with a connection.
                    catchUp();
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Event stream listener failed ({}); reconnecting", e.getMessage());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void catchUp() {
        while (events.place(PAGE) == PAGE) {
            // A backlog: keep placing.
        }
        List<StreamEvent> page;
        do {
            page = events.after(fannedOut, PAGE);
            for (StreamEvent event : page) {
                for (EventSubscription subscription : open) {
                    subscription.offer(event);
                }
                fannedOut = event.position();
            }
        } while (page.size() == PAGE);
    }

    private void heartbeats() {
        for (EventSubscription subscription : open) {
            subscription.heartbeat();
        }
    }

    private void prune() {
        try {
            int pruned = events.prune(properties.retention());
            if (pruned > 0) {
                log.info("Pruned {} stream events older than {}", pruned, properties.retention());
            }
        } catch (RuntimeException e) {
            log.warn("Pruning stream events failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        sender = Executors.newFixedThreadPool(properties.senderThreads(), daemon("event-sender-"));
        timers = Executors.newSingleThreadScheduledExecutor(daemon("event-timer-"));
        fannedOut = events.head();
        running = true;
        listener = new Thread(this::listen, "event-streams");
        listener.setDaemon(true);
        listener.start();
        long heartbeat = properties.heartbeat().toMillis();
        timers.scheduleAtFixedRate(this::heartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public synchronized void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            // Again each round: a stream opened as running turned false may have joined since.
            for (EventSubscription subscription : open) {
                subscription.close();
            }
            sleepQuietly(20);
        }
        if (!open.isEmpty()) {
            log.warn("{} event streams did not close in time", open.size());
        }
        if (timers != null) {
            timers.shutdownNow();
            sender.shutdownNow();
        }
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
