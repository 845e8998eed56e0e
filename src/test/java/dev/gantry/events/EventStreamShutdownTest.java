package dev.gantry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.GantryApplication;
import dev.gantry.testsupport.EventStreamClient;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.TestDatabase;
import dev.gantry.testsupport.TestKeys;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server of its own, shut down with streams open: graceful shutdown waits for requests in
 * flight, and an open stream is one, so unless the streams are ended first every shutdown would
 * take the whole grace period.
 */
class EventStreamShutdownTest {

    @Test
    void shutting_down_ends_every_open_stream_at_once_instead_of_waiting_out_the_grace_period() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(GantryApplication.class)
                .run(
                        "--server.port=0",
                        "--gantry.worker.local-count=0",
                        "--gantry.generation.local-count=0",
                        "--spring.lifecycle.timeout-per-shutdown-phase=30s",
                        "--spring.datasource.url=" + TestDatabase.newDatabaseUrl(),
                        "--spring.datasource.username=" + TestDatabase.username(),
                        "--spring.datasource.password="
                                + (TestDatabase.password() == null ? "" : TestDatabase.password()),
                        "--gantry.data-dir=" + Files.createTempDirectory("gantry-sse-shutdown"));
        List<EventStreamClient.Stream> streams = new ArrayList<>();
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String job = new Http(port)
                    .post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":10}}")
                    .json()
                    .get("id")
                    .asString();
            for (int i = 0; i < 10; i++) {
                streams.add(EventStreamClient.open(port, "/api/v1/events", TestKeys.OWNER, null));
                streams.add(EventStreamClient.open(port, "/api/v1/jobs/" + job + "/events", TestKeys.OWNER, null));
            }
            assertThat(streams).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
        } finally {
            long start = System.nanoTime();
            app.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("SSE shutdown: server closed in %.2f s with %d streams open%n", seconds, streams.size());
            for (EventStreamClient.Stream stream : streams) {
                stream.awaitEnd(Duration.ofSeconds(10));
                assertThat(stream.ended()).as("ended by the server").isTrue();
            }
            assertThat(seconds).as("well inside the 30 s grace period").isLessThan(15);
        }
    }
}
