package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One stream's bookkeeping, on a real event log, with its sending task run by hand: the overlap of
 * replay and live events, and the bound on a slow client's queue.
 */
class EventSubscriptionTest {

    private static final UUID DEFAULT_PROJECT = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final Pattern ID = Pattern.compile("id:(\\d+)");

    private final DataSource database = TestDatabase.migrated();
    private final JdbcClient jdbc = JdbcClient.create(database);
    private final EventLog log = new EventLog(jdbc);
    private final List<Runnable> tasks = new ArrayList<>();
    private final RecordingEmitter emitter = new RecordingEmitter();
    private final AtomicInteger ended = new AtomicInteger();

    @Test
    void events_offered_while_the_replay_runs_are_sent_once_after_it_in_order() {
        UUID job = job();
        new MetricWriter(database).write(job, 1, List.of(new MetricPoint("loss/d", 1, 0.5)));
        while (log.place(100) > 0) {
            // All of them.
        }
        List<StreamEvent> logged = log.afterForJob(job, 0, 100);
        assertThat(logged).extracting(StreamEvent::type).containsExactly("state", "metrics");
        EventSubscription subscription = subscription(job, 0, 10);

        subscription.start();
        // The fan-out offers what the replay will also read, and one event the log has not yet.
        logged.forEach(subscription::offer);
        StreamEvent later = new StreamEvent(
                logged.get(1).position() + 1,
                DEFAULT_PROJECT,
                job,
                "sample",
                "{\"jobId\":\"" + job + "\",\"step\":5}",
                null);
        subscription.offer(later);
        runTasks();

        assertThat(emitter.ids())
                .containsExactly(logged.get(0).position(), logged.get(1).position(), later.position());
        assertThat(emitter.completed).isFalse();
    }

    @Test
    void a_client_that_lets_its_queue_fill_is_cut_off_and_nothing_more_is_queued_for_it() {
        UUID job = job();
        while (log.place(100) > 0) {
            // The job's first state event.
        }
        long head = log.head();
        EventSubscription subscription = subscription(null, head, 3);
        subscription.start();
        runTasks();
        assertThat(emitter.ids()).isEmpty();

        // The sending task is scheduled but does not get to run, as when a write is blocked.
        for (int i = 1; i <= 4; i++) {
            subscription.offer(new StreamEvent(head + i, DEFAULT_PROJECT, job, "progress", "{}", null));
        }
        subscription.offer(new StreamEvent(head + 5, DEFAULT_PROJECT, job, "progress", "{}", null));
        runTasks();

        assertThat(emitter.ids()).as("the queue was dropped, not sent late").isEmpty();
        assertThat(emitter.completed).isTrue();
        assertThat(ended).hasValue(1);
        subscription.offer(new StreamEvent(head + 6, DEFAULT_PROJECT, job, "progress", "{}", null));
        assertThat(tasks).isEmpty();
    }

    private EventSubscription subscription(UUID job, long cursor, int capacity) {
        return new EventSubscription(
                DEFAULT_PROJECT, job, "key", cursor, emitter, log, tasks::add, capacity, s -> ended.incrementAndGet());
    }

    private void runTasks() {
        while (!tasks.isEmpty()) {
            tasks.remove(0).run();
        }
    }

    private UUID job() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, project_id, name, state, spec, total_steps)
                        VALUES (?, ?, 'subscription-test', 'RUNNING', '{}', 100)
                        """).params(id, DEFAULT_PROJECT).update();
        return id;
    }

    /** An emitter outside any request: what a stream writes, and whether it was completed. */
    private static final class RecordingEmitter extends SseEmitter {

        private final List<String> sent = new ArrayList<>();
        private volatile boolean completed;

        @Override
        public void send(SseEventBuilder builder) {
            sent.add(builder.build().stream().map(d -> d.getData().toString()).collect(Collectors.joining()));
        }

        @Override
        public synchronized void complete() {
            completed = true;
        }

        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            for (String text : sent) {
                Matcher m = ID.matcher(text);
                if (m.find()) {
                    ids.add(Long.parseLong(m.group(1)));
                }
            }
            return ids;
        }
    }
}
