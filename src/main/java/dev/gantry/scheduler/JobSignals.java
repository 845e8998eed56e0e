package dev.gantry.scheduler;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's ear on PostgreSQL: {@code LISTEN} for jobs becoming claimable and for cancels, on one
 * dedicated connection, re-opened whenever it breaks (a database restart). Notifications only
 * speed things up; a worker also polls, so a lost notification costs a poll interval, not a job.
 */
public class JobSignals implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobSignals.class);

    private final DataSource dataSource;
    private final Consumer<UUID> onCancelling;
    private final Semaphore workQueued = new Semaphore(0);
    private final Thread listener;
    private volatile boolean running = true;

    public JobSignals(DataSource dataSource, Consumer<UUID> onCancelling) {
        this.dataSource = dataSource;
        this.onCancelling = onCancelling;
        this.listener = new Thread(this::listen, "job-signals");
        listener.setDaemon(true);
        listener.start();
    }

    /** Waits until a job may have been queued, or the timeout passes. */
    public void awaitWork(Duration timeout) throws InterruptedException {
        if (workQueued.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            workQueued.drainPermits();
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN gantry_job_queued");
                    statement.execute("LISTEN gantry_job_cancelling");
                }
                // Jobs may have been queued while we were not listening.
                workQueued.release();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        dispatch(n);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Lost the notification connection ({}); reconnecting", e.getMessage());
                    sleepQuietly(Duration.ofSeconds(1));
                }
            }
        }
    }

    private void dispatch(PGNotification notification) {
        switch (notification.getName()) {
            case "gantry_job_queued" -> workQueued.release();
            case "gantry_job_cancelling" -> onCancelling.accept(UUID.fromString(notification.getParameter()));
            default -> log.debug("Ignored notification on {}", notification.getName());
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
    }
}
