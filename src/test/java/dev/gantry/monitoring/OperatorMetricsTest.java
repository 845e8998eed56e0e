package dev.gantry.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * The operators' metrics scraped from a real server with one real local worker: a job that needs
 * a GPU waits in the queue (the worker has none), one runs and is cancelled, one succeeds, one
 * diverges. Every figure is checked against what the database holds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            "gantry.worker.jvm-options=-Xmx384m",
            "gantry.monitoring.refresh-interval=200ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class OperatorMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void the_prometheus_endpoint_reports_the_queue_the_jobs_the_workers_and_the_claims() throws Exception {
        Http http = new Http(port);
        String gpu = submit(http, """
                {"name": "needs-gpu", "dataset": "ring8", "priority": 3, "resources": {"gpu": true},
                 "training": {"steps": 100}}""");
        String running = submit(http, """
                {"name": "long", "dataset": "ring8", "model": {"hiddenUnits": 32, "hiddenLayers": 1},
                 "training": {"steps": 10000000, "batchSize": 32}}""");
        Jobs.await(
                http, running, j -> j.get("step").asLong() >= 200 && j.hasNonNull("progress"), Duration.ofMinutes(2));
        String worker = jdbc.sql("SELECT worker_id FROM jobs WHERE id = ?::uuid")
                .param(running)
                .query(String.class)
                .single();

        PrometheusText busy = scrapeUntil(
                http,
                p -> p.value("gantry_worker_steps_per_second", Map.of("worker", worker, "job", running))
                        .isPresent());
        assertThat(busy.value("gantry_worker_steps_per_second", Map.of("worker", worker, "job", running)))
                .hasValueSatisfying(rate -> assertThat(rate).isPositive());
        assertThat(busy.value("gantry_worker_job", Map.of("worker", worker, "job", running)))
                .contains(1.0);
        // Renewed every 2 s (the default heartbeat); a minute would mean a stuck worker.
        assertThat(busy.value("gantry_worker_heartbeat_age_seconds", Map.of("worker", worker)))
                .hasValueSatisfying(age -> assertThat(age).isBetween(0.0, 30.0));
        assertThat(busy.value("gantry_jobs", Map.of("state", "RUNNING"))).contains(1.0);
        assertThat(busy.value("gantry_queue_depth", Map.of("priority", "3"))).contains(1.0);

        http.post("/api/v1/jobs/" + running + "/cancel", null);
        Jobs.awaitState(http, running, "CANCELLED", Duration.ofMinutes(1));
        String small = submit(http, """
                {"name": "small", "dataset": "ring8", "training": {"steps": 150, "batchSize": 64},
                 "evaluation": {"everySteps": 150, "samples": 200}}""");
        String diverging = submit(http, """
                {"name": "diverges", "dataset": "ring8", "loss": {"adversarial": {"type": "wasserstein"},
                          "terms": [{"type": "gradient-penalty", "weight": 10}]},
                 "model": {"hiddenUnits": 64, "hiddenLayers": 12},
                 "optimizer": {"generator": {"learningRate": 0.1, "beta1": 0.0, "beta2": 0.0},
                               "discriminator": {"learningRate": 0.1, "beta1": 0.0, "beta2": 0.0}},
                 "training": {"steps": 1000, "batchSize": 64, "discriminatorSteps": 1, "seed": 7}}""");
        Jobs.awaitState(http, small, "SUCCEEDED", Duration.ofMinutes(2));
        Jobs.awaitState(http, diverging, "FAILED", Duration.ofMinutes(2));

        long points =
                jdbc.sql("SELECT count(*) FROM metric_points").query(Long.class).single();
        PrometheusText done = scrapeUntil(
                http,
                p -> p.value("gantry_metric_points_written_total").orElse(0.0) == points
                        && p.value("gantry_jobs_failed_total", Map.of("reason", "DIVERGED"))
                                .isPresent());
        assertThat(done.value("gantry_jobs_submitted_total")).contains(4.0);
        assertThat(done.value("gantry_jobs_succeeded_total")).contains(1.0);
        assertThat(done.value("gantry_jobs_cancelled_total")).contains(1.0);
        assertThat(done.value("gantry_jobs_failed_total", Map.of("reason", "DIVERGED")))
                .contains(1.0);
        assertThat(done.value("gantry_jobs", Map.of("state", "QUEUED"))).contains(1.0);
        assertThat(done.value("gantry_jobs", Map.of("state", "SUCCEEDED"))).contains(1.0);
        assertThat(done.value("gantry_jobs", Map.of("state", "FAILED"))).contains(1.0);
        assertThat(done.value("gantry_jobs", Map.of("state", "RUNNING"))).contains(0.0);
        assertThat(done.value("gantry_queue_depth", Map.of("priority", "3"))).contains(1.0);
        assertThat(done.find("gantry_worker_job", Map.of())).isEmpty();

        // Three claims (the GPU job is never claimed), each wait measured by the database.
        assertThat(done.value("gantry_claim_wait_seconds_count")).contains(3.0);
        double waited = jdbc.sql(
                        "SELECT sum((detail->>'waitedSeconds')::float8) FROM job_events WHERE type = 'CLAIMED'")
                .query(Double.class)
                .single();
        assertThat(done.value("gantry_claim_wait_seconds_sum").orElseThrow())
                .isCloseTo(waited, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(done.value("gantry_claim_wait_seconds_bucket", Map.of("le", "+Inf")))
                .contains(3.0);
        assertThat(jdbc.sql("SELECT state FROM jobs WHERE id = ?::uuid")
                        .param(gpu)
                        .query(String.class)
                        .single())
                .isEqualTo("QUEUED");
        assertThat(done.value("gantry_jobs_recovered_total", Map.of("cause", "worker-exited")))
                .contains(0.0);
        // Every series the Grafana dashboard beside the chart queries is one this server exports
        // (the per-job worker series only while a job runs).
        assertThat(java.util.stream.Stream.concat(busy.series().stream(), done.series().stream())
                        .map(PrometheusText.Series::name)
                        .toList())
                .containsAll(GrafanaDashboard.load().metricNames());
        assertThat(jdbc.sql("SELECT count(*) FROM operator_samples")
                        .query(Long.class)
                        .single())
                .as("every sample drained")
                .isZero();
    }

    private static String submit(Http http, String spec) {
        Http.Response created = http.post("/api/v1/jobs", spec);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private static PrometheusText scrapeUntil(Http http, Predicate<PrometheusText> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Http.Response response = http.get("/actuator/prometheus");
            assertThat(response.status()).isEqualTo(200);
            PrometheusText scrape = PrometheusText.parse(new String(response.bytes()));
            if (condition.test(scrape)) {
                return scrape;
            }
            assertThat(System.nanoTime()).as("waiting on the scrape").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
