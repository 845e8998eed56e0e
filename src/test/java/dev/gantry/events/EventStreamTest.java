package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.EventStreamClient;
import dev.gantry.testsupport.EventStreamClient.Event;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * The event streams against a real server and PostgreSQL, with the events written the way a
 * worker on another machine writes them: over a connection of its own, never through this
 * server's pool or code, so they can only reach the stream through the log and NOTIFY.
 */
@GantryIntegrationTest
class EventStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    ObjectStore store;

    /** A "worker" elsewhere: its own connections (not the server's pool) and its own writers. */
    DataSource elsewhere;

    JdbcClient remote;
    MetricWriter remoteMetrics;
    Artifacts remoteArtifacts;
    Http owner;

    @BeforeEach
    void setUp() {
        elsewhere = new DriverManagerDataSource(
                environment.getRequiredProperty("spring.datasource.url"),
                environment.getRequiredProperty("spring.datasource.username"),
                environment.getProperty("spring.datasource.password", ""));
        remote = JdbcClient.create(elsewhere);
        remoteMetrics = new MetricWriter(elsewhere);
        remoteArtifacts = new Artifacts(remote, store, 1, Duration.ZERO);
        owner = new Http(port);
    }

    @Test
    void a_job_stream_carries_every_change_made_by_another_process_in_order_and_ends_after_the_terminal_state()
            throws Exception {
        Tenant tenant = Tenants.create(owner, "sse-kinds");
        UUID job = submit(tenant, 100);
        try (EventStreamClient.Stream stream =
                EventStreamClient.open(port, "/api/v1/jobs/" + job + "/events", tenant.adminKey(), null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            stream.await(e -> e.size() == 1, WAIT);

            claim(job);
            List<MetricPoint> points = new ArrayList<>();
            for (long step = 1; step <= 50; step++) {
                points.add(new MetricPoint("loss/d", step, 1.0 / step));
                points.add(new MetricPoint("loss/g", step, step == 7 ? Double.NaN : 2.0 * step));
            }
            points.add(new MetricPoint("eval/modes", 50, 24));
            points.add(new MetricPoint("eval/high-quality", 50, 0.93));
            assertThat(remoteMetrics.write(job, 1, points)).isTrue();
            progress(job, 50, 12.5);
            assertThat(remoteArtifacts.save(ArtifactKind.SAMPLE, job, 1, 50, new byte[] {1}, 5))
                    .isTrue();
            assertThat(remoteArtifacts.save(ArtifactKind.CHECKPOINT, job, 1, 50, new byte[] {2}, 5))
                    .isTrue();
            finish(job, 100, "SUCCEEDED");

            List<Event> events = stream.await(e -> e.size() >= 9, WAIT);
            stream.awaitEnd(WAIT);
            assertThat(stream.ended())
                    .as("the server ends a job stream after its terminal state")
                    .isTrue();
            assertThat(stream.events()).hasSize(9);
            assertThat(events)
                    .extracting(Event::type)
                    .containsExactly(
                            "state",
                            "state",
                            "metrics",
                            "evaluation",
                            "progress",
                            "sample",
                            "checkpoint",
                            "progress",
                            "state");
            assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(events)
                    .allSatisfy(
                            e -> assertThat(e.data().get("jobId").asString()).isEqualTo(job.toString()));

            assertThat(events.get(0).data().get("state").asString()).isEqualTo("QUEUED");
            assertThat(events.get(0).data().get("attempt").asInt()).isEqualTo(1);
            assertThat(events.get(1).data().get("state").asString()).isEqualTo("RUNNING");
            JsonNode metrics = events.get(2).data().get("points");
            assertThat(metrics).as("one event for the batch, not one per point").hasSize(100);
            assertThat(metrics.get(0).get("name").asString()).isEqualTo("loss/d");
            assertThat(metrics.get(0).get("step").asLong()).isEqualTo(1);
            assertThat(metrics.get(0).get("value").asDouble()).isEqualTo(1.0);
            assertThat(metrics.get(13).get("step").asLong()).isEqualTo(7);
            assertThat(metrics.get(13).get("value").isNull())
                    .as("NaN is sent as null")
                    .isTrue();
            JsonNode evaluation = events.get(3).data();
            assertThat(evaluation.get("step").asLong()).isEqualTo(50);
            assertThat(evaluation.at("/metrics/eval~1modes").asDouble()).isEqualTo(24.0);
            assertThat(evaluation.at("/metrics/eval~1high-quality").asDouble()).isEqualTo(0.93);
            JsonNode progress = events.get(4).data();
            assertThat(progress.get("step").asLong()).isEqualTo(50);
            assertThat(progress.get("steps").asLong()).isEqualTo(100);
            assertThat(progress.get("stepsPerSecond").asDouble()).isEqualTo(12.5);
            assertThat(progress.get("etaSeconds").asLong()).isEqualTo(4);
            assertThat(events.get(5).data().get("step").asLong()).isEqualTo(50);
            assertThat(events.get(6).data().get("step").asLong()).isEqualTo(50);
            // The finish moved the step as well: its progress comes before the terminal state.
            assertThat(events.get(7).data().get("step").asLong()).isEqualTo(100);
            assertThat(events.get(7).data().get("etaSeconds").asLong()).isZero();
            assertThat(events.get(8).data().get("state").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void a_project_stream_resumed_again_and_again_under_concurrent_writers_gets_every_event_once_in_order()
            throws Exception {
        Tenant tenant = Tenants.create(owner, "sse-resume");
        String key = tenant.adminKey();
        EventStreamClient.Stream first = EventStreamClient.open(port, "/api/v1/events", key, null);
        List<UUID> jobs =
                IntStream.range(0, 4).mapToObj(i -> submit(tenant, 1000)).toList();
        jobs.forEach(this::claim);
        int batches = 60;
        int stepsPerBatch = 5;
        ExecutorService writers = Executors.newFixedThreadPool(jobs.size());
        List<Future<?>> written = new ArrayList<>();
        for (UUID job : jobs) {
            written.add(writers.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    List<MetricPoint> batch = new ArrayList<>();
                    for (int s = 0; s < stepsPerBatch; s++) {
                        long step = (long) b * stepsPerBatch + s + 1;
                        batch.add(new MetricPoint("loss/d", step, step));
                        batch.add(new MetricPoint("loss/g", step, -step));
                    }
                    assertThat(remoteMetrics.write(job, 1, batch)).isTrue();
                    progress(job, (long) (b + 1) * stepsPerBatch, 100.0);
                    Thread.sleep(10);
                }
                return null;
            }));
        }
        writers.shutdown();

        // Read a few events, disconnect, resume from the last id, and again, until the writers are
        // done and the stream has caught up with the log.
        List<Event> received = new ArrayList<>();
        int connections = 0;
        EventStreamClient.Stream stream = first;
        while (true) {
            connections++;
            int before = received.size();
            try {
                stream.await(e -> e.size() >= 7, Duration.ofSeconds(2));
            } catch (AssertionError quiet) {
                // Fewer came: fine, the writers may be done.
            }
            stream.close();
            stream.awaitEnd(WAIT);
            received.addAll(stream.events());
            if (writers.isTerminated() && received.size() == before && caughtUp(tenant, received)) {
                break;
            }
            assertThat(connections).as("catching up").isLessThan(1000);
            Long last = received.isEmpty()
                    ? null
                    : received.get(received.size() - 1).id();
            stream = EventStreamClient.open(port, "/api/v1/events", key, last);
            assertThat(stream.status()).isEqualTo(200);
        }
        for (Future<?> f : written) {
            f.get();
        }

        List<Long> logged = positions(tenant);
        List<Long> ids = received.stream().map(Event::id).toList();
        System.out.printf(
                "SSE resume: %d events sent (log), %d received over %d connections, %d duplicates, %d missing%n",
                logged.size(),
                ids.size(),
                connections,
                ids.size() - new HashSet<>(ids).size(),
                new TreeSet<>(logged).stream().filter(p -> !ids.contains(p)).count());
        assertThat(ids).as("every event once, in order").isEqualTo(logged);
        assertThat(connections).isGreaterThan(5);
        for (UUID job : jobs) {
            Set<String> points = new HashSet<>();
            int count = 0;
            for (Event e : received) {
                if (e.type().equals("metrics")
                        && e.data().get("jobId").asString().equals(job.toString())) {
                    for (JsonNode p : e.data().get("points")) {
                        points.add(
                                p.get("name").asString() + "@" + p.get("step").asLong());
                        count++;
                    }
                }
            }
            assertThat(count).as("points of job %s", job).isEqualTo(batches * stepsPerBatch * 2);
            assertThat(points).hasSize(count);
        }
    }

    /**
     * The race a plain serial id loses: a transaction takes its event's id, another takes a later
     * one and commits first, and a client sees the later event, leaves, and resumes after it. The
     * earlier transaction's event must still reach it.
     */
    @Test
    void an_event_committed_after_a_later_one_reaches_a_client_that_resumed_after_the_later_one() throws Exception {
        Tenant tenant = Tenants.create(owner, "sse-order");
        UUID slow = submit(tenant, 100);
        UUID fast = submit(tenant, 100);
        claim(slow);
        claim(fast);
        long seen;
        try (Connection open = elsewhere.getConnection()) {
            open.setAutoCommit(false);
            // The event row a metric batch writes, as MetricWriter's statement does, left uncommitted.
            try (PreparedStatement insert = open.prepareStatement("""
                    SELECT stream_event(project_id, id, 'metrics', '{"points": [{"name": "loss/d", "step": 1, "value": 0.5}]}')
                    FROM jobs WHERE id = ?
                    """)) {
                insert.setObject(1, slow);
                insert.executeQuery().close();
            }
            // The slow transaction's event row exists, uncommitted, with the smaller id.
            assertThat(remoteMetrics.write(fast, 1, List.of(new MetricPoint("loss/d", 1, 0.25))))
                    .isTrue();
            try (EventStreamClient.Stream stream =
                    EventStreamClient.open(port, "/api/v1/events", tenant.adminKey(), 0L)) {
                List<Event> events = stream.await(e -> e.stream().anyMatch(metricsOf(fast)), WAIT);
                assertThat(events).noneMatch(metricsOf(slow));
                seen = events.get(events.size() - 1).id();
            }
            open.commit();
        }
        try (EventStreamClient.Stream resumed =
                EventStreamClient.open(port, "/api/v1/events", tenant.adminKey(), seen)) {
            List<Event> events = resumed.await(e -> e.stream().anyMatch(metricsOf(slow)), WAIT);
            assertThat(events).allSatisfy(e -> assertThat(e.id()).isGreaterThan(seen));
        }
    }

    private static Predicate<Event> metricsOf(UUID job) {
        return e ->
                e.type().equals("metrics") && e.data().get("jobId").asString().equals(job.toString());
    }

    @Test
    void a_key_holds_a_bounded_number_of_streams_and_a_bad_last_event_id_is_a_400_naming_the_header() throws Exception {
        Tenant tenant = Tenants.create(owner, "sse-limit");
        String viewer = tenant.key("viewer");
        List<EventStreamClient.Stream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                EventStreamClient.Stream s = EventStreamClient.open(port, "/api/v1/events", viewer, null);
                streams.add(s);
                assertThat(s.status()).as("stream %d", i).isEqualTo(200);
            }
            EventStreamClient.Stream refused = EventStreamClient.open(port, "/api/v1/events", viewer, null);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(Http.parse(refused.errorBody()).get("detail").asString())
                    .contains("gantry.events.max-streams-per-key");
            EventStreamClient.Stream otherKey = EventStreamClient.open(port, "/api/v1/events", tenant.adminKey(), null);
            streams.add(otherKey);
            assertThat(otherKey.status()).as("the limit is per key").isEqualTo(200);
        } finally {
            streams.forEach(EventStreamClient.Stream::close);
        }

        UUID job = submit(tenant, 10);
        for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            EventStreamClient.Stream refused =
                    EventStreamClient.open(port, "/api/v1/jobs/" + job + "/events", tenant.adminKey(), null, bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(Http.parse(refused.errorBody()).at("/errors/0/field").asString())
                    .isEqualTo("Last-Event-ID");
        }
    }

    private boolean caughtUp(Tenant tenant, List<Event> received) {
        Integer unplaced = remote.sql("""
                        SELECT count(*) FROM stream_events WHERE project_id = :p AND position IS NULL
                        """)
                .param("p", UUID.fromString(tenant.projectId()))
                .query(Integer.class)
                .single();
        return unplaced == 0 && received.size() == positions(tenant).size();
    }

    private List<Long> positions(Tenant tenant) {
        return remote.sql("SELECT position FROM stream_events WHERE project_id = :p ORDER BY position")
                .param("p", UUID.fromString(tenant.projectId()))
                .query(Long.class)
                .list();
    }

    private UUID submit(Tenant tenant, long steps) {
        Http.Response submitted =
                tenant.http().post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":" + steps + "}}");
        assertThat(submitted.status()).as(new String(submitted.bytes())).isEqualTo(201);
        return UUID.fromString(submitted.json().get("id").asString());
    }

    // What JobClaimer, JobLeases and the reaper do, in their SQL, from elsewhere.
    private void claim(UUID job) {
        assertThat(remote.sql("""
                        UPDATE jobs SET state = 'RUNNING', worker_id = 'elsewhere', started_at = now(),
                                        lease_expires_at = now() + interval '10 minutes'
                         WHERE id = :id AND state = 'QUEUED'
                        """).param("id", job).update()).isEqualTo(1);
    }

    private void progress(UUID job, long step, double rate) {
        remote.sql("UPDATE jobs SET step = :step, steps_per_second = :rate WHERE id = :id")
                .param("id", job)
                .param("step", step)
                .param("rate", rate)
                .update();
    }

    private void finish(UUID job, long step, String state) {
        remote.sql("""
                        UPDATE jobs SET state = :state, step = :step, finished_at = now(), worker_id = NULL,
                                        lease_expires_at = NULL
                         WHERE id = :id
                        """)
                .param("id", job)
                .param("step", step)
                .param("state", state)
                .update();
    }
}
