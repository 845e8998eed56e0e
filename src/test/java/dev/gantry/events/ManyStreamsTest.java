package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.EventStreamClient;
import dev.gantry.testsupport.EventStreamClient.Event;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 200 open streams on one server while events flow to all of them: the API still answers (its
 * latency measured beside the same requests without streams, in the same run, and bounded only
 * generously), the streams hold no request threads, and every stream gets every event of its
 * project.
 */
@GantryIntegrationTest
class ManyStreamsTest {

    private static final int PROJECTS = 4;
    private static final int STREAMS_PER_PROJECT = 50;
    private static final int REQUESTS = 200;

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext server;

    @Autowired
    MetricWriter metrics;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EventLog log;

    @Test
    void two_hundred_open_streams_hold_no_request_threads_and_leave_the_api_answering() throws Exception {
        Http owner = new Http(port);
        List<Tenant> tenants = new ArrayList<>();
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < PROJECTS; i++) {
            Tenant tenant = Tenants.create(owner, "sse-many");
            tenants.add(tenant);
            jobs.add(UUID.fromString(tenant.http()
                    .post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":100000}}")
                    .json()
                    .get("id")
                    .asString()));
        }
        latencies(owner, 50);
        double[] without = latencies(owner, REQUESTS);
        int busyWithout = tomcat().getActiveCount();

        List<EventStreamClient.Stream> streams = new ArrayList<>();
        Map<EventStreamClient.Stream, UUID> projectOf = new HashMap<>();
        try {
            for (Tenant tenant : tenants) {
                for (int i = 0; i < STREAMS_PER_PROJECT; i++) {
                    EventStreamClient.Stream stream =
                            EventStreamClient.open(port, "/api/v1/events", tenant.adminKey(), null);
                    assertThat(stream.status()).isEqualTo(200);
                    streams.add(stream);
                    projectOf.put(stream, UUID.fromString(tenant.projectId()));
                }
            }
            long head = log.head();
            int busyWith = tomcat().getActiveCount();
            int poolSize = tomcat().getPoolSize();

            // Events flow to every stream while the API is measured: a batch per job every 100 ms.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                long step = 0;
                while (writing.get()) {
                    step++;
                    for (UUID job : jobs) {
                        metrics.write(job, 1, List.of(new MetricPoint("loss/d", step, 1.0 / step)));
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            double[] with = latencies(owner, REQUESTS);
            writing.set(false);
            writer.join();

            Map<UUID, Set<Long>> sent = new HashMap<>();
            for (Tenant tenant : tenants) {
                UUID project = UUID.fromString(tenant.projectId());
                sent.put(
                        project,
                        new TreeSet<>(jdbc.sql("""
                                SELECT position FROM stream_events WHERE project_id = :p AND position > :head
                                """)
                                .param("p", project)
                                .param("head", head)
                                .query(Long.class)
                                .list()));
            }
            long deliveries = 0;
            long expected = 0;
            for (EventStreamClient.Stream stream : streams) {
                Set<Long> want = sent.get(projectOf.get(stream));
                expected += want.size();
                List<Event> got = stream.await(
                        events -> events.stream()
                                .map(Event::id)
                                .collect(Collectors.toSet())
                                .containsAll(want),
                        Duration.ofSeconds(60));
                Set<Long> after = got.stream()
                        .map(Event::id)
                        .filter(id -> id > head)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(after)
                        .as("a stream gets its project's events, and only those")
                        .isEqualTo(want);
                assertThat(got).extracting(Event::id).doesNotHaveDuplicates().isSorted();
                deliveries += after.size();
            }
            System.out.printf(
                    "SSE 200 streams: GET /api/v1/jobs p50 %.1f ms, p95 %.1f ms without streams; p50 %.1f ms,"
                            + " p95 %.1f ms with %d streams open and %d events sent to them (%d deliveries"
                            + " received of %d expected); Tomcat threads busy %d without, %d with (pool %d);"
                            + " %d cores%n",
                    percentile(without, 50),
                    percentile(without, 95),
                    percentile(with, 50),
                    percentile(with, 95),
                    streams.size(),
                    sent.values().stream().mapToInt(Set::size).sum(),
                    deliveries,
                    expected,
                    busyWithout,
                    busyWith,
                    poolSize,
                    Runtime.getRuntime().availableProcessors());

            assertThat(deliveries).isEqualTo(expected).isPositive();
            assertThat(busyWith).as("open streams hold no request thread").isLessThan(20);
            // Generous: only a gross regression (streams starving the API) fails it.
            assertThat(percentile(with, 95)).isLessThan(10 * percentile(without, 95) + 500);
        } finally {
            streams.forEach(EventStreamClient.Stream::close);
        }
    }

    private ThreadPoolExecutor tomcat() {
        return (ThreadPoolExecutor) ((TomcatWebServer) server.getWebServer())
                .getTomcat()
                .getConnector()
                .getProtocolHandler()
                .getExecutor();
    }

    private double[] latencies(Http http, int n) {
        double[] millis = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Http.Response response = http.get("/api/v1/jobs?pageSize=50");
            millis[i] = (System.nanoTime() - start) / 1e6;
            assertThat(response.status()).isEqualTo(200);
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
