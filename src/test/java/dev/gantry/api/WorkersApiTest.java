package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.scheduler.WorkerRegistry;
import dev.gantry.scheduler.WorkerRegistry.WorkerIdentity;
import dev.gantry.scheduler.WorkerState;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/workers} over HTTP, the clock that decides LOST stepped by hand (lease 30 s). */
@GantryIntegrationTest
@Import(WorkersApiTest.Clocks.class)
class WorkersApiTest {

    @TestConfiguration
    static class Clocks {
        @Bean
        SettableClock clock() {
            return new SettableClock(Instant.parse("2026-11-30T10:00:00Z"));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    WorkerRegistry registry;

    @Autowired
    SettableClock clock;

    @Autowired
    Clock injected;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
        jdbc.sql("DELETE FROM workers").update();
    }

    @Test
    void lists_every_worker_with_its_state_job_and_heartbeat_and_marks_one_silent_for_a_lease_lost() {
        // A real job of the test key's project: a worker's job is shown only to the job's project.
        UUID job = UUID.randomUUID();
        jdbc.sql(
                        "INSERT INTO jobs (id, project_id, name, state, spec, total_steps) VALUES (?, ?, 'w', 'RUNNING', '{}', 10)")
                .params(job, dev.gantry.security.Projects.DEFAULT_ID)
                .update();
        registry.register(new WorkerIdentity("pod-a-7-aaaa", "pod-a", 7, "gpu:0", "0.1.0"));
        registry.register(new WorkerIdentity("pod-b-8-bbbb", "pod-b", 8, "cpu", "0.1.0"));
        registry.heartbeat("pod-a-7-aaaa", WorkerState.BUSY, job);
        clock.advance(Duration.ofSeconds(20));
        registry.heartbeat("pod-b-8-bbbb", WorkerState.IDLE, null);
        clock.advance(Duration.ofSeconds(11)); // a: silent 31 s; b: 11 s

        Http.Response response = http.get("/api/v1/workers");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode workers = response.json();
        assertThat(workers.isArray()).isTrue();
        assertThat(workers).hasSize(2);
        JsonNode a = workers.get(0);
        assertThat(a.get("id").asString()).isEqualTo("pod-a-7-aaaa");
        assertThat(a.get("host").asString()).isEqualTo("pod-a");
        assertThat(a.get("pid").asLong()).isEqualTo(7);
        assertThat(a.get("device").asString()).isEqualTo("gpu:0");
        assertThat(a.get("version").asString()).isEqualTo("0.1.0");
        assertThat(a.get("state").asString()).isEqualTo("LOST");
        assertThat(a.get("currentJob").asString()).isEqualTo(job.toString());
        assertThat(a.get("startedAt").asString()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(a.get("lastHeartbeatAt").asString()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(a.get("heartbeatAgeSeconds").asDouble()).isEqualTo(31.0);
        JsonNode b = workers.get(1);
        assertThat(b.get("state").asString()).isEqualTo("IDLE");
        assertThat(b.has("currentJob")).as("no job: the field is left out").isFalse();
        assertThat(b.get("heartbeatAgeSeconds").asDouble()).isEqualTo(11.0);
    }

    @Test
    void no_workers_is_an_empty_list() {
        assertThat(injected).as("the registry judges by the injected clock").isSameAs(clock);

        Http.Response response = http.get("/api/v1/workers");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().isArray()).isTrue();
        assertThat(response.json()).isEmpty();
    }
}
