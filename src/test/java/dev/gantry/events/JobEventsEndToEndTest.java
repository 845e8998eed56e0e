package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.EventStreamClient;
import dev.gantry.testsupport.EventStreamClient.Event;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A job trained by a real worker process while SSE clients watch: every state in order, the
 * progress, the metric batches, evaluations, checkpoints and samples, counted against the rows
 * the worker wrote; and a client that drops mid-run and resumes with {@code Last-Event-ID} ends
 * up with exactly the log, no gap and no repeat.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.generation.local-count=0",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class JobEventsEndToEndTest {

    private static final Duration RUN = Duration.ofMinutes(5);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void sse_clients_receive_every_event_of_a_trained_job_and_a_resumed_client_loses_and_repeats_nothing()
            throws Exception {
        Tenant tenant = Tenants.create(new Http(port), "sse-e2e");
        String key = tenant.adminKey();
        try (EventStreamClient.Stream project = EventStreamClient.open(port, "/api/v1/events", key, null)) {
            JsonNode submitted = tenant.http().post("/api/v1/jobs", """
                            {"name": "sse-ring8", "dataset": "ring8",
                             "training": {"steps": 1200, "seed": 3},
                             "checkpoints": {"everySteps": 400, "keepLast": 5},
                             "evaluation": {"everySteps": 400, "samples": 500}}
                            """).json();
            String id = submitted.get("id").asString();
            UUID job = UUID.fromString(id);
            String path = "/api/v1/jobs/" + id + "/events";

            // First connection: from the job's first event until some metrics have come, then gone.
            List<Event> received = new ArrayList<>();
            try (EventStreamClient.Stream first = EventStreamClient.open(port, path, key, null)) {
                first.await(
                        events -> events.stream()
                                        .filter(e -> e.type().equals("metrics"))
                                        .count()
                                >= 3,
                        RUN);
                first.close();
                first.awaitEnd(RUN);
                received.addAll(first.events());
            }
            long lastSeen = received.get(received.size() - 1).id();
            long stepSeen = received.stream()
                    .filter(e -> e.type().equals("progress"))
                    .mapToLong(e -> e.data().get("step").asLong())
                    .max()
                    .orElse(0);
            // The run goes on while nobody listens.
            Jobs.await(tenant.http(), id, j -> j.get("step").asLong() > stepSeen + 200, RUN);

            try (EventStreamClient.Stream resumed = EventStreamClient.open(port, path, key, lastSeen)) {
                assertThat(resumed.status()).isEqualTo(200);
                resumed.awaitEnd(RUN);
                assertThat(resumed.ended())
                        .as("the server ends the stream after SUCCEEDED")
                        .isTrue();
                received.addAll(resumed.events());
            }
            List<Event> projectEvents = project.await(
                    events -> events.stream()
                            .anyMatch(e -> e.type().equals("state")
                                    && e.data().get("state").asString().equals("SUCCEEDED")),
                    RUN);

            List<Long> logged = jdbc.sql("SELECT position FROM stream_events WHERE job_id = :job ORDER BY position")
                    .param("job", job)
                    .query(Long.class)
                    .list();
            List<Long> ids = received.stream().map(Event::id).toList();
            Map<String, Integer> byType = new TreeMap<>();
            received.forEach(e -> byType.merge(e.type(), 1, Integer::sum));
            Map<String, Integer> loggedByType = new TreeMap<>();
            jdbc.sql("SELECT type, count(*) FROM stream_events WHERE job_id = :job GROUP BY type")
                    .param("job", job)
                    .query((rs, n) -> loggedByType.put(rs.getString(1), rs.getInt(2)))
                    .list();
            System.out.printf(
                    "SSE end to end: %d events sent (log) %s; job stream received %d %s over 2 connections"
                            + " (%d duplicates, %d missing); project stream received %d of the job's%n",
                    logged.size(),
                    loggedByType,
                    ids.size(),
                    byType,
                    ids.size() - new HashSet<>(ids).size(),
                    logged.stream().filter(p -> !ids.contains(p)).count(),
                    projectEvents.stream()
                            .filter(e -> e.data().get("jobId").asString().equals(id))
                            .count());

            assertThat(ids).as("no gap, no repeat, in order").isEqualTo(logged);
            assertThat(projectEvents.stream()
                            .filter(e -> e.data().get("jobId").asString().equals(id))
                            .map(Event::id)
                            .toList())
                    .as("the project stream carries the same events")
                    .isEqualTo(logged);
            assertThat(received)
                    .filteredOn(e -> e.type().equals("state"))
                    .extracting(e -> e.data().get("state").asString())
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(received.get(received.size() - 1).type()).isEqualTo("state");

            List<Long> progressSteps = received.stream()
                    .filter(e -> e.type().equals("progress"))
                    .map(e -> e.data().get("step").asLong())
                    .toList();
            assertThat(progressSteps).isNotEmpty().isSorted().endsWith(1200L);
            assertThat(received)
                    .filteredOn(e ->
                            e.type().equals("progress") && e.data().get("step").asLong() < 1200)
                    .allSatisfy(e -> {
                        assertThat(e.data().get("steps").asLong()).isEqualTo(1200);
                        assertThat(e.data().get("stepsPerSecond").asDouble()).isPositive();
                        assertThat(e.data().get("etaSeconds").asLong()).isNotNegative();
                    });

            // Every metric point the worker stored came once, in batches, not one event per point.
            int points = 0;
            HashSet<String> distinct = new HashSet<>();
            for (Event e : received) {
                if (e.type().equals("metrics")) {
                    for (JsonNode p : e.data().get("points")) {
                        points++;
                        distinct.add(
                                p.get("name").asString() + "@" + p.get("step").asLong());
                    }
                }
            }
            int stored = jdbc.sql("SELECT count(*) FROM metric_points WHERE job_id = :job AND name NOT LIKE 'eval/%'")
                    .param("job", job)
                    .query(Integer.class)
                    .single();
            assertThat(points).isEqualTo(stored).isEqualTo(distinct.size());
            assertThat(byType.get("metrics")).isLessThan(stored / 10);

            assertThat(received)
                    .filteredOn(e -> e.type().equals("evaluation"))
                    .extracting(e -> e.data().get("step").asLong())
                    .containsExactly(400L, 800L, 1200L);
            assertThat(received)
                    .filteredOn(e -> e.type().equals("evaluation"))
                    .allSatisfy(
                            e -> assertThat(e.data().at("/metrics/eval~1modes").isNumber())
                                    .isTrue());
            assertThat(received)
                    .filteredOn(e -> e.type().equals("checkpoint"))
                    .extracting(e -> e.data().get("step").asLong())
                    .containsExactly(400L, 800L, 1200L);
            assertThat(received)
                    .filteredOn(e -> e.type().equals("sample"))
                    .extracting(e -> e.data().get("step").asLong())
                    .containsExactly(400L, 800L, 1200L);

            // At most a few messages a second per job: a metrics and a progress event per flush.
            double seconds = jdbc.sql("""
                            SELECT extract(epoch FROM max(at) - min(at)) FROM stream_events
                             WHERE job_id = :job AND type IN ('metrics', 'progress')
                            """).param("job", job).query(Double.class).single();
            double perSecond = (byType.get("metrics") + byType.get("progress")) / Math.max(seconds, 1);
            System.out.printf(
                    "SSE rate: %d metrics and %d progress events over %.1f s of training: %.1f per second%n",
                    byType.get("metrics"), byType.get("progress"), seconds, perSecond);
            assertThat(perSecond).isLessThan(6);
        }
    }
}
