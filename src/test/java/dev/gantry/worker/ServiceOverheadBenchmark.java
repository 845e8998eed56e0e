package dev.gantry.worker;

import dev.gantry.GantryApplication;
import dev.gantry.testsupport.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Training throughput of a grid25 job run by the service (API, PostgreSQL queue, worker process,
 * batched metric writes, checkpoints and samples to the object store) beside the same stored spec
 * trained bare in one process, on the same machine, in one run. Prints both and the ratio.
 * Usage: {@code ServiceOverheadBenchmark [steps=5000]}.
 */
public final class ServiceOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 5000;
        Path dataDir = Files.createTempDirectory("gantry-bench");
        ConfigurableApplicationContext server = SpringApplication.run(
                GantryApplication.class,
                "--server.port=0",
                "--gantry.data-dir=" + dataDir,
                "--gantry.worker.local-count=1",
                "--logging.level.root=WARN");
        JsonNode job;
        double steadyRate;
        try {
            int port = ((WebServerApplicationContext) server).getWebServer().getPort();
            Http http = new Http(port);
            String id = http.post("/api/v1/jobs", """
                    {"name": "bench-grid25", "dataset": "grid25", "training": {"steps": %d, "seed": 7}}
                    """.formatted(steps))
                    .json()
                    .get("id")
                    .asString();
            job = http.get("/api/v1/jobs/" + id).json();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (!job.get("state").asString().equals("SUCCEEDED") && System.nanoTime() < deadline) {
                if (job.get("state").asString().equals("FAILED")) {
                    throw new IllegalStateException("benchmark job failed: " + job);
                }
                Thread.sleep(200);
                job = http.get("/api/v1/jobs/" + id).json();
            }
            JsonNode perf = http.get("/api/v1/jobs/" + id + "/metrics?names=perf/steps-per-second&maxPoints=20000")
                    .json();
            List<Double> rates = new ArrayList<>();
            perf.at("/series/0/points").forEach(p -> rates.add(p.get("value").asDouble()));
            rates.sort(null);
            steadyRate = rates.get(rates.size() / 2);
        } finally {
            server.close();
        }
        double serviceSeconds = Duration.between(
                                Instant.parse(job.get("startedAt").asString()),
                                Instant.parse(job.get("finishedAt").asString()))
                        .toMillis()
                / 1000.0;
        double service = steps / serviceSeconds;
        System.out.printf(
                "service: %d steps in %.2f s (claimed → SUCCEEDED) = %.1f steps/s; median of the "
                        + "loop's own perf/steps-per-second %.1f%n",
                steps, serviceSeconds, service, steadyRate);

        Path spec = Files.createTempFile("bench-spec", ".json");
        Files.writeString(spec, job.get("spec").toString());
        String bareLine = runBare(spec);
        double bare = Double.parseDouble(bareLine.replaceAll(".* = ([0-9.]+) steps/s.*", "$1"));
        double gflops = Double.parseDouble(bareLine.replaceAll(".*matmul ([0-9.]+) GFLOP/s.*", "$1"));
        double flopsPerStep = flopsPerStep(job.get("spec"));
        System.out.println(bareLine);
        System.out.printf("service / bare = %.3f (overhead %.1f %%)%n", service / bare, (1 - service / bare) * 100);
        System.out.printf(
                "model FLOPs/step %.3g; MFU bare %.1f %%, service %.1f %% of %.1f GFLOP/s matmul%n",
                flopsPerStep,
                100 * flopsPerStep * bare / (gflops * 1e9),
                100 * flopsPerStep * service / (gflops * 1e9),
                gflops);
    }

    /**
     * Forward multiply-adds of each MLP times 2 (FLOPs) times 3 (forward + backward): D sees real
     * and fake in its step and fake again in G's step; G makes one fake batch per step.
     */
    static double flopsPerStep(JsonNode spec) {
        int latent = spec.at("/model/latentDim").asInt();
        int hidden = spec.at("/model/hiddenUnits").asInt();
        int layers = spec.at("/model/hiddenLayers").asInt();
        int batch = spec.at("/training/batchSize").asInt();
        int dSteps = spec.at("/training/discriminatorSteps").asInt();
        double g = latent * hidden + (layers - 1.0) * hidden * hidden + hidden * 2.0;
        double d = 2.0 * hidden + (layers - 1.0) * hidden * hidden + hidden;
        return 2 * 3 * batch * (d * (2.0 * dSteps + 1) + g * (dSteps + 1));
    }

    private static String runBare(Path spec) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx2g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                BareTrainingRun.class.getName(),
                spec.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        String result = null;
        for (String line : new String(process.getInputStream().readAllBytes()).split("\n")) {
            if (line.startsWith("bare:")) {
                result = line;
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException("bare run failed");
        }
        return result;
    }
}
