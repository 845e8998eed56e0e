package dev.gantry.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.artifact.Artifacts;
import dev.gantry.generation.TrainedJobs.TrainedJob;
import dev.gantry.job.JobService;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * The generation process under faults, on real parts: one real child process, paused with
 * SIGSTOP to hold it busy or hung, killed with SIGKILL to crash it. Each fault costs at most the
 * request in flight, answered at once with a 503 and Retry-After; the API keeps serving and the
 * child comes back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=0",
            "gantry.generation.local-count=1",
            "gantry.generation.acquire-wait=300ms",
            "gantry.generation.request-timeout=4s"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationProcessFaultTest {

    static final Map<String, String> NPY = Map.of("Accept", "application/x-npy");

    @LocalServerPort
    int port;

    @Autowired
    JobService jobs;

    @Autowired
    Artifacts artifacts;

    @Autowired
    GenerationProcesses processes;

    Http http;
    TrainedJob job;
    final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    void train() {
        job = TrainedJobs.train(new Http(port), jobs, artifacts, TrainedJobs.spec("gen-faults", 0));
    }

    @AfterAll
    void stopBackground() {
        background.shutdownNow();
    }

    @BeforeEach
    void readyProcess() throws Exception {
        http = new Http(port);
        // Restarts back off up to 30 s when a child keeps dying, as every test here kills one.
        Conditions.await(() -> processes.idleCount() == 1, Duration.ofSeconds(90));
    }

    private Http.Response generate() {
        return http.post("/api/v1/jobs/" + job.id() + "/generate", "{\"count\": 16, \"seed\": 1}", NPY);
    }

    private CompletableFuture<Http.Response> generateInBackground() throws Exception {
        // A thread of its own: the common pool has one thread on two cores, and anything else
        // blocking it would hold the request back.
        CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(this::generate, background);
        // The request holds the process once it is no longer idle.
        Conditions.await(() -> processes.idleCount() == 0, Duration.ofSeconds(10));
        return inFlight;
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                        .start()
                        .waitFor())
                .isZero();
    }

    private long onlyPid() {
        List<Long> pids = processes.pids();
        assertThat(pids).hasSize(1);
        return pids.get(0);
    }

    private static void assertUnavailable(Http.Response response, String detail) {
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.header("Retry-After")).isEqualTo("5");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:generation-unavailable");
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    @Test
    void when_the_only_process_is_busy_another_request_gets_503_with_retry_after_at_once() throws Exception {
        long pid = onlyPid();
        signal("STOP", pid);
        CompletableFuture<Http.Response> first;
        try {
            first = generateInBackground();
            long start = System.nanoTime();
            Http.Response second = generate();
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(second.status()).isEqualTo(503);
            assertThat(second.contentType()).isEqualTo("application/problem+json");
            assertThat(second.header("Retry-After")).isEqualTo("1");
            assertThat(second.json().get("detail").asString()).contains("generation process is busy");
            assertThat(second.json().get("type").asString()).isEqualTo("urn:gantry:problem:busy");
            assertThat(seconds).as("refused after the bounded wait, not queued").isLessThan(2.0);
        } finally {
            signal("CONT", pid);
        }
        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(onlyPid()).isEqualTo(pid);
        assertThat(generate().status()).isEqualTo(200);
    }

    @Test
    void a_process_killed_while_drawing_costs_only_that_request_and_is_restarted() throws Exception {
        long pid = onlyPid();
        signal("STOP", pid);
        CompletableFuture<Http.Response> inFlight = generateInBackground();
        signal("KILL", pid);

        assertUnavailable(inFlight.get(30, TimeUnit.SECONDS), "exited while drawing");
        assertThat(http.get("/api/v1/jobs/" + job.id()).status()).isEqualTo(200);
        Conditions.await(() -> processes.idleCount() == 1, Duration.ofSeconds(90));
        assertThat(onlyPid()).isNotEqualTo(pid);
        Http.Response after = generate();
        assertThat(after.status()).isEqualTo(200);
        assertThat(NpyArrays.read(after.bytes()).shape()).containsExactly(16, 2);
    }

    @Test
    void a_process_that_hangs_is_killed_after_the_request_timeout_and_restarted() throws Exception {
        long pid = onlyPid();
        signal("STOP", pid);
        long start = System.nanoTime();
        Http.Response hung = generate();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertUnavailable(hung, "did not answer within 4 s");
        assertThat(seconds).isBetween(4.0, 10.0);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        Conditions.await(() -> processes.idleCount() == 1, Duration.ofSeconds(90));
        assertThat(generate().status()).isEqualTo(200);
    }

    @Test
    void while_a_killed_idle_process_restarts_requests_get_503_and_then_it_serves_again() throws Exception {
        long pid = onlyPid();
        signal("KILL", pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());

        assertUnavailable(generate(), "No generation process is running");
        assertThat(http.get("/api/v1/jobs/" + job.id()).status()).isEqualTo(200);
        Conditions.await(() -> processes.idleCount() == 1, Duration.ofSeconds(90));
        assertThat(generate().status()).isEqualTo(200);
    }
}
