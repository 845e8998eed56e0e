package dev.gantry.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.job.JobService;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricWriter;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sweeps through the API on the real server and PostgreSQL, without workers: the trials' jobs
 * stay queued until the test ends them by hand (state and evaluation points written as a worker
 * would), and the driver's passes are run by the test, so nothing waits on time.
 */
@GantryIntegrationTest
// The server's own driver passes once at start only: a pass of its own while the test's runs
// would take the sweep's lock and make the test's pass skip it.
@TestPropertySource(properties = "gantry.sweeps.interval=1h")
class SweepApiTest {

    // Two terms, so the space can name the second one's weight.
    static final String BASE = """
            {"dataset": "ring8", "model": {"hiddenUnits": 16, "hiddenLayers": 1},
             "loss": {"adversarial": {"type": "non-saturating"},
                      "terms": [{"type": "dragan", "weight": 1}, {"type": "feature-matching", "weight": 0.5}]},
             "training": {"steps": 200, "seed": 40},
             "evaluation": {"everySteps": 100, "samples": 500}}
            """;

    @LocalServerPort
    int port;

    @Autowired
    SweepDriver driver;

    @Autowired
    MetricWriter metrics;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SweepRepository repository;

    @Autowired
    JobService jobService;

    @Autowired
    JsonMapper json;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    Artifacts artifacts;

    @Autowired
    MeterRegistry meters;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private String sweep(String name, String space, String rest) {
        return """
                {"name": "%s", "base": %s, "space": %s, "objective": {"metric": "eval/high-quality", "goal": "max"}%s}
                """.formatted(name, BASE, space, rest);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private int sweepsNamed(String name) {
        return jdbc.sql("SELECT count(*) FROM sweeps WHERE name = :name")
                .param("name", name)
                .query(Integer.class)
                .single();
    }

    private int jobsNamedLike(String prefix) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE name LIKE :prefix")
                .param("prefix", prefix + "%")
                .query(Integer.class)
                .single();
    }

    static List<String> fields(Http.Response response) {
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    @Test
    void an_invalid_space_is_refused_whole_naming_each_path() {
        String name = unique("bad");
        Http.Response refused = http.post("/api/v1/sweeps", sweep(name, """
                {"loss.terms[1].weight": {"values": [0.1, -1]},
                 "loss.terms[5].weight": {"values": [1]},
                 "optimizer.generator.lr": {"values": [0.001]},
                 "optimizer.discriminator.learningRate": {"min": 1e-5, "max": 1e-3, "scale": "log"},
                 "training.seed": {"values": [1, 2]},
                 "loss..weight": {"values": [1]}}
                """, ", \"seeds\": 0"));
        assertThat(refused.status()).as(new String(refused.bytes())).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(fields(refused))
                .contains(
                        "space[\"loss.terms[5].weight\"]",
                        "space[\"optimizer.discriminator.learningRate\"]",
                        "space[\"training.seed\"]",
                        "space[\"loss..weight\"]",
                        "seeds");
        assertThat(refused.json().toString()).contains("element(s), no [5]", "a grid needs values", "is set by seeds");

        // With the paths right, the values themselves are checked as a submit checks them.
        Http.Response badValue = http.post("/api/v1/sweeps", sweep(name, """
                {"loss.terms[1].weight": {"values": [0.1, -1]},
                 "optimizer.generator.learningRate": {"values": [0.001, 0.01]}}
                """, ""));
        assertThat(badValue.status()).as(new String(badValue.bytes())).isEqualTo(400);
        assertThat(fields(badValue)).containsExactly("space[\"loss.terms[1].weight\"]");
        assertThat(badValue.json().at("/errors/0/message").asString()).startsWith("value -1");
        Http.Response unknownField = http.post("/api/v1/sweeps", sweep(name, """
                {"optimizer.generator.lr": {"values": [0.001]}}
                """, ""));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(fields(unknownField)).containsExactly("space[\"optimizer.generator.lr\"]");
        assertThat(unknownField.json().at("/errors/0/message").asString()).isEqualTo("is not a field of the job spec");

        Http.Response badBase = http.post(
                "/api/v1/sweeps",
                "{\"name\": \"" + name + "\", \"base\": {\"dataset\": \"ring9\"}, \"space\": {},"
                        + " \"objective\": {\"metric\": \"modes\", \"goal\": \"up\"}, \"budget\": {\"trials\": 0}}");
        assertThat(badBase.status()).isEqualTo(400);
        assertThat(fields(badBase))
                .containsExactlyInAnyOrder("base.dataset", "objective.metric", "objective.goal", "budget.trials");

        Http.Response overBudget =
                http.post("/api/v1/sweeps", sweep(name, """
                {"loss.terms[1].weight": {"values": [0.1, 0.2, 0.3]}}
                """, ", \"seeds\": 3, \"budget\": {\"trials\": 8}"));
        assertThat(overBudget.status()).isEqualTo(400);
        assertThat(fields(overBudget)).containsExactly("budget.trials");

        assertThat(sweepsNamed(name)).isZero();
        assertThat(jobsNamedLike(name)).isZero();
    }

    /** Odd requests a client may send: each a 400 problem naming the field, and no sweep. */
    @Test
    void malformed_sweeps_are_400_problems_naming_the_field_never_a_500() {
        String objective = "\"objective\": {\"metric\": \"eval/modes\", \"goal\": \"max\"}";
        String base = "\"base\": {\"dataset\": \"ring8\", \"training\": {\"steps\": 100}}";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("[]", "");
        bodies.put("{\"base\": 5, " + objective + "}", "base");
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": null}, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": {\"values\": []}}, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": {\"values\": [\"big\"]}}, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": {\"values\": [1e20]}}, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"loss.terms[99999].weight\": {\"values\": [1]}}, " + objective + "}",
                "space[\"loss.terms[99999].weight\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"loss\": {\"values\": [\"hinge\"]}}, " + objective + "}",
                "space[\"loss\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"training.steps.x\": {\"values\": [1]}}, " + objective + "}",
                "space[\"training.steps.x\"]");
        bodies.put(
                "{" + base
                        + ", \"space\": {\"training.batchSize\": {\"min\": 4, \"max\": 2}}, \"strategy\": \"random\","
                        + " \"samples\": 3, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": {\"min\": 0, \"max\": 2, \"scale\": \"log\"}},"
                        + " \"strategy\": \"random\", \"samples\": 3, " + objective + "}",
                "space[\"training.batchSize\"]");
        bodies.put("{" + base + ", \"strategy\": \"random\", " + objective + "}", "samples");
        bodies.put("{" + base + ", \"parallelTrials\": 10000000000, " + objective + "}", "parallelTrials");
        bodies.put(
                "{" + base + ", \"earlyStopping\": {\"type\": \"median\", \"reductionFactor\": 1}, " + objective + "}",
                "earlyStopping.type");
        bodies.put(
                "{" + base + ", \"earlyStopping\": {\"type\": \"asha\", \"minEvaluations\": 1000}, " + objective + "}",
                "earlyStopping.minEvaluations");
        bodies.put("{" + base + ", \"budget\": {\"steps\": 99}, " + objective + "}", "budget.steps");
        bodies.put("{" + base + ", \"name\": \"a b\", " + objective + "}", "name");
        bodies.put("{" + base + "}", "objective");
        bodies.put("{" + base + ", \"spaces\": {}, " + objective + "}", "spaces");
        String big = "{\"values\": [" + "1,".repeat(999) + "1]}";
        bodies.put(
                "{" + base + ", \"space\": {\"training.batchSize\": " + big + ", \"training.discriminatorSteps\": "
                        + big + "}, " + objective + "}",
                "budget.trials");
        int before =
                jdbc.sql("SELECT count(*) FROM sweeps").query(Integer.class).single();
        bodies.forEach((body, field) -> {
            Http.Response response = http.post("/api/v1/sweeps", body);
            String text = new String(response.bytes());
            assertThat(response.status()).as(body + " -> " + text).isEqualTo(400);
            assertThat(response.contentType()).as(text).startsWith("application/problem+json");
            if (!field.isEmpty()) {
                assertThat(fields(response)).as(body + " -> " + text).contains(field);
            }
        });
        assertThat(jdbc.sql("SELECT count(*) FROM sweeps").query(Integer.class).single())
                .as("no sweep was stored")
                .isLessThanOrEqualTo(before);
    }

    @Test
    void a_grid_runs_every_combination_over_seeds_as_ordinary_jobs_keeping_parallel_trials_queued() {
        String name = unique("grid");
        Http.Response created = http.post("/api/v1/sweeps", sweep(name, """
                {"loss.terms[1].weight": {"values": [0.1, 1.0]},
                 "optimizer.discriminator.learningRate": {"values": [0.0001, 0.0002, 0.0004]},
                 "loss.adversarial.type": {"values": ["non-saturating"]}}
                """, ", \"seeds\": 2, \"parallelTrials\": 3"));
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        JsonNode sweep = created.json();
        String id = sweep.get("id").asString();
        assertThat(created.header("Location")).isEqualTo("/api/v1/sweeps/" + id);
        JsonNode trials = sweep.get("trials");
        assertThat(trials).hasSize(2 * 3 * 2);
        // The first path varies slowest, the seed fastest.
        for (int i = 0; i < trials.size(); i++) {
            JsonNode t = trials.get(i);
            assertThat(t.get("trial").asInt()).isEqualTo(i);
            assertThat(t.get("configuration").asInt()).isEqualTo(i / 2);
            assertThat(t.get("seed").asLong()).isEqualTo(40 + i % 2);
            assertThat(t.at("/params/loss.terms[1].weight").asDouble()).isEqualTo(i / 6 == 0 ? 0.1 : 1.0);
            assertThat(t.at("/params/optimizer.discriminator.learningRate").asDouble())
                    .isEqualTo(new double[] {0.0001, 0.0002, 0.0004}[(i / 2) % 3]);
            assertThat(t.has("job")).isFalse();
        }

        driver.drive();
        driver.drive();
        JsonNode driven = http.get("/api/v1/sweeps/" + id).json();
        List<String> jobs = jobIds(driven);
        assertThat(jobs).hasSize(3);
        // Each trial is an ordinary job of the caller's project with its values applied at their paths.
        for (int i = 0; i < 3; i++) {
            JsonNode job = http.get("/api/v1/jobs/" + jobs.get(i)).json();
            assertThat(job.get("state").asString()).isEqualTo("QUEUED");
            assertThat(job.get("name").asString()).isEqualTo(name + "-t" + i);
            assertThat(job.at("/sweep/sweep").asString()).isEqualTo(id);
            assertThat(job.at("/sweep/trial").asInt()).isEqualTo(i);
            assertThat(job.at("/sweep/params")).isEqualTo(trials.get(i).get("params"));
            assertThat(job.at("/spec/training/seed").asLong()).isEqualTo(40 + i % 2);
            assertThat(job.at("/spec/loss/terms/1/weight").asDouble()).isEqualTo(0.1);
            assertThat(job.at("/spec/loss/terms/0/type").asString()).isEqualTo("dragan");
            assertThat(job.at("/spec/optimizer/discriminator/learningRate").asDouble())
                    .isEqualTo(new double[] {0.0001, 0.0001, 0.0002}[i]);
            assertThat(job.at("/spec/optimizer/generator/learningRate").asDouble())
                    .isEqualTo(5e-4);
        }

        // One trial ends: the next is submitted, never more than three at once.
        finish(UUID.fromString(jobs.get(1)), "SUCCEEDED");
        driver.drive();
        List<String> after = jobIds(http.get("/api/v1/sweeps/" + id).json());
        assertThat(after).hasSize(4).containsAll(jobs);
        assertThat(activeJobs(after)).isEqualTo(3);

        // Cancel: queued trials are cancelled, nothing more is submitted.
        Http.Response cancelled = http.post("/api/v1/sweeps/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asString()).isEqualTo("CANCELLED");
        driver.drive();
        JsonNode end = http.get("/api/v1/sweeps/" + id).json();
        assertThat(jobIds(end)).hasSize(4);
        assertThat(activeJobs(jobIds(end))).isZero();
        assertThat(http.get("/api/v1/jobs/" + jobs.get(1)).json().get("state").asString())
                .isEqualTo("SUCCEEDED");
        assertThat(http.get("/api/v1/jobs/" + jobs.get(0)).json().get("state").asString())
                .isEqualTo("CANCELLED");
        assertThat(http.post("/api/v1/sweeps/" + id + "/cancel", "").status()).isEqualTo(200);
        // The list carries each sweep's objective and the same counts as the sweep itself.
        JsonNode listed = null;
        for (JsonNode s : http.get("/api/v1/sweeps?pageSize=200").json().get("sweeps")) {
            if (s.get("id").asString().equals(id)) {
                listed = s;
            }
        }
        assertThat(listed).as("the sweep is listed").isNotNull();
        assertThat(listed.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(listed.at("/objective/metric").asString()).isEqualTo("eval/high-quality");
        assertThat(listed.get("counts")).isEqualTo(end.get("counts"));
        assertThat(listed.at("/counts/trials").asInt()).isEqualTo(12);
        assertThat(listed.at("/counts/ended").asInt()).isEqualTo(4);
    }

    @Test
    void a_random_search_is_reproducible_and_draws_within_its_ranges() {
        String space = """
                {"optimizer.generator.learningRate": {"min": 1e-5, "max": 1e-2, "scale": "log"},
                 "training.discriminatorSteps": {"min": 1, "max": 5, "integer": true},
                 "loss.adversarial.type": {"values": ["non-saturating", "hinge", "least-squares"]}}
                """;
        String rest = ", \"strategy\": \"random\", \"samples\": 40, \"randomSeed\": 9";
        JsonNode a =
                http.post("/api/v1/sweeps", sweep(unique("rnd"), space, rest)).json();
        JsonNode b =
                http.post("/api/v1/sweeps", sweep(unique("rnd"), space, rest)).json();
        assertThat(a.get("trials")).hasSize(40);
        List<String> paramsA = new ArrayList<>();
        List<String> paramsB = new ArrayList<>();
        a.get("trials").forEach(t -> paramsA.add(t.get("params").toString()));
        b.get("trials").forEach(t -> paramsB.add(t.get("params").toString()));
        assertThat(paramsA).isEqualTo(paramsB);
        // The draws, computed here from the documented rule: one generator, paths in order.
        SplittableRandom random = new SplittableRandom(9);
        List<String> types = List.of("non-saturating", "hinge", "least-squares");
        int belowGeometricMean = 0;
        for (JsonNode t : a.get("trials")) {
            double lr = Math.exp(Math.log(1e-5) + random.nextDouble() * (Math.log(1e-2) - Math.log(1e-5)));
            long steps = Math.round(1 + random.nextDouble() * 4);
            String type = types.get(random.nextInt(3));
            assertThat(t.at("/params/optimizer.generator.learningRate").asDouble())
                    .isCloseTo(lr, within(1e-15));
            assertThat(t.at("/params/training.discriminatorSteps").asLong())
                    .isEqualTo(steps)
                    .isBetween(1L, 5L);
            assertThat(t.at("/params/loss.adversarial.type").asString()).isEqualTo(type);
            belowGeometricMean += lr < Math.sqrt(1e-5 * 1e-2) ? 1 : 0;
        }
        assertThat(belowGeometricMean)
                .as("a log scale splits at the geometric mean")
                .isBetween(10, 30);
        http.post("/api/v1/sweeps/" + a.get("id").asString() + "/cancel", "");
        http.post("/api/v1/sweeps/" + b.get("id").asString() + "/cancel", "");
    }

    /**
     * Two configurations × three seeds, ended by hand with chosen evaluation values: the analysis
     * must give back the mean and sample standard deviation computed here, in JSON and in CSV.
     */
    @Test
    void the_analysis_gives_mean_and_sample_std_over_seeds_the_best_configuration_and_marginals() throws Exception {
        String name = unique("ana");
        JsonNode sweep = http.post("/api/v1/sweeps", sweep(name, """
                        {"optimizer.generator.learningRate": {"values": [0.001, 0.0001]},
                         "loss.terms[1].weight": {"values": [0.5]}}
                        """, ", \"seeds\": 3, \"parallelTrials\": 6"))
                .json();
        String id = sweep.get("id").asString();
        driver.drive();
        List<String> jobs = jobIds(http.get("/api/v1/sweeps/" + id).json());
        assertThat(jobs).hasSize(6);
        // eval/high-quality at steps 100 and 200 per trial; the last one is the objective.
        double[][] quality = {{0.2, 0.70}, {0.3, 0.74}, {0.1, 0.69}, {0.1, 0.30}, {0.2, 0.40}, {0.0, 0.32}};
        double[] modes = {8, 7, 8, 3, 4, 2};
        for (int i = 0; i < 6; i++) {
            UUID job = UUID.fromString(jobs.get(i));
            assertThat(metrics.write(
                            job,
                            1,
                            List.of(
                                    new MetricPoint("eval/high-quality", 100, quality[i][0], null),
                                    new MetricPoint("eval/high-quality", 200, quality[i][1], null),
                                    new MetricPoint("eval/modes", 200, modes[i], null),
                                    new MetricPoint("loss/d", 200, 1.0, null))))
                    .isTrue();
            finish(job, "SUCCEEDED");
        }
        driver.drive();
        assertThat(http.get("/api/v1/sweeps/" + id).json().get("state").asString())
                .isEqualTo("COMPLETED");

        JsonNode analysis = http.get("/api/v1/sweeps/" + id + "/analysis").json();
        assertThat(analysis.at("/trials/completed").asInt()).isEqualTo(6);
        JsonNode configurations = analysis.get("configurations");
        assertThat(configurations).hasSize(2);
        for (int c = 0; c < 2; c++) {
            double[] q = {quality[3 * c][1], quality[3 * c + 1][1], quality[3 * c + 2][1]};
            double[] m = {modes[3 * c], modes[3 * c + 1], modes[3 * c + 2]};
            JsonNode config = configurations.get(c);
            assertThat(config.get("completed").asInt()).isEqualTo(3);
            assertThat(config.at("/objective/mean").asDouble()).isCloseTo(mean(q), within(1e-12));
            assertThat(config.at("/objective/std").asDouble()).isCloseTo(sampleStd(q), within(1e-12));
            assertThat(config.at("/metrics/eval~1modes/mean").asDouble()).isCloseTo(mean(m), within(1e-12));
            assertThat(config.at("/metrics/eval~1modes/std").asDouble()).isCloseTo(sampleStd(m), within(1e-12));
            assertThat(config.at("/metrics/eval~1high-quality/n").asInt()).isEqualTo(3);
            assertThat(config.at("/metrics").has("loss/d")).isFalse();
        }
        // 0.71 ± 0.026 against 0.34 ± 0.053: clear.
        assertThat(analysis.at("/best/configuration").asInt()).isZero();
        assertThat(analysis.at("/best/params/optimizer.generator.learningRate").asDouble())
                .isEqualTo(0.001);
        assertThat(analysis.at("/best/confidence").asString()).isEqualTo("clear");
        assertThat(analysis.at("/best/runnerUp").asInt()).isEqualTo(1);
        JsonNode lr = analysis.get("marginals").get(0);
        assertThat(lr.get("parameter").asString()).isEqualTo("optimizer.generator.learningRate");
        assertThat(lr.get("levels")).hasSize(2);
        assertThat(lr.at("/levels/0/value").asDouble()).isEqualTo(0.0001);
        assertThat(lr.at("/levels/0/mean").asDouble()).isCloseTo(mean(new double[] {0.30, 0.40, 0.32}), within(1e-12));
        JsonNode weight = analysis.get("marginals").get(1);
        // One value, averaged over both learning rates: the mean of the two configuration means.
        assertThat(weight.at("/levels/0/mean").asDouble())
                .isCloseTo(
                        (mean(new double[] {0.70, 0.74, 0.69}) + mean(new double[] {0.30, 0.40, 0.32})) / 2,
                        within(1e-12));
        assertThat(weight.at("/levels/0/trials").asInt()).isEqualTo(6);

        HttpResponse<String> csv = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + port + "/api/v1/sweeps/" + id + "/analysis"))
                                .header("Authorization", "Bearer " + TestKeys.OWNER)
                                .header("Accept", "text/csv")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(new String(http.get("/api/v1/sweeps/" + id + "/analysis.csv").bytes()))
                .isEqualTo(csv.body());
        String[] lines = csv.body().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0])
                .isEqualTo("configuration,optimizer.generator.learningRate,loss.terms[1].weight,trials,completed,"
                        + "early_stopped,failed,objective_mean,objective_std,eval/high-quality mean,"
                        + "eval/high-quality std,eval/modes mean,eval/modes std");
        String[] row = lines[1].split(",");
        assertThat(row[1]).isEqualTo("0.001");
        assertThat(Double.parseDouble(row[7])).isCloseTo(mean(new double[] {0.70, 0.74, 0.69}), within(1e-12));
        assertThat(Double.parseDouble(row[8])).isCloseTo(sampleStd(new double[] {0.70, 0.74, 0.69}), within(1e-12));

        Http.Response png = http.get("/api/v1/sweeps/" + id + "/analysis.png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        // Two parameter panels and the curves panel, two to a row.
        assertThat(image.getWidth()).isEqualTo(2 * SweepPlot.PANEL_WIDTH);
        assertThat(image.getHeight()).isEqualTo(2 * SweepPlot.PANEL_HEIGHT);
    }

    /**
     * A random search draws a new rate for every configuration: its marginal is given over five
     * ranges of four configurations each, every range's mean checked here against the trials whose
     * rate falls in it; a parameter of three values keeps one level per value.
     */
    @Test
    void the_marginals_of_a_random_search_bin_a_drawn_range_and_keep_listed_values() throws Exception {
        JsonNode sweep = http.post(
                        "/api/v1/sweeps",
                        sweep(
                                unique("bins"),
                                """
                        {"optimizer.generator.learningRate": {"min": 1e-5, "max": 1e-2, "scale": "log"},
                         "loss.adversarial.type": {"values": ["non-saturating", "hinge", "least-squares"]}}
                        """,
                                ", \"strategy\": \"random\", \"samples\": 20, \"randomSeed\": 3, \"parallelTrials\": 20"))
                .json();
        String id = sweep.get("id").asString();
        driver.drive();
        JsonNode trials = http.get("/api/v1/sweeps/" + id).json().get("trials");
        List<double[]> rateAndObjective = new ArrayList<>();
        Map<String, List<Double>> byType = new LinkedHashMap<>();
        for (JsonNode t : trials) {
            double objective = (t.get("trial").asInt() * 7 % 11) / 10.0;
            UUID job = UUID.fromString(t.get("job").asString());
            metrics.write(job, 1, List.of(new MetricPoint("eval/high-quality", 200, objective, null)));
            finish(job, "SUCCEEDED");
            rateAndObjective.add(new double[] {
                t.at("/params/optimizer.generator.learningRate").asDouble(), objective
            });
            byType.computeIfAbsent(t.at("/params/loss.adversarial.type").asString(), k -> new ArrayList<>())
                    .add(objective);
        }
        rateAndObjective.sort(java.util.Comparator.comparingDouble(p -> p[0]));
        JsonNode marginals =
                http.get("/api/v1/sweeps/" + id + "/analysis").json().get("marginals");
        JsonNode rate = marginals.get(0).get("levels");
        assertThat(rate).hasSize(5);
        for (int b = 0; b < 5; b++) {
            JsonNode level = rate.get(b);
            List<double[]> in = rateAndObjective.subList(4 * b, 4 * b + 4);
            assertThat(level.at("/value/from").asDouble()).isEqualTo(in.get(0)[0]);
            assertThat(level.at("/value/to").asDouble()).isEqualTo(in.get(3)[0]);
            assertThat(level.get("configurations").asInt()).isEqualTo(4);
            assertThat(level.get("mean").asDouble())
                    .isCloseTo(mean(in.stream().mapToDouble(p -> p[1]).toArray()), within(1e-12));
        }
        JsonNode type = marginals.get(1).get("levels");
        assertThat(type).hasSize(byType.size());
        for (JsonNode level : type) {
            double[] values = byType.get(level.get("value").asString()).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            assertThat(level.get("mean").asDouble()).isCloseTo(mean(values), within(1e-12));
            assertThat(level.get("configurations").asInt()).isEqualTo(values.length);
        }
        assertThat(http.get("/api/v1/sweeps/" + id + "/analysis.png").status()).isEqualTo(200);
    }

    @Test
    void seeds_that_disagree_make_the_best_configuration_uncertain() {
        String name = unique("unc");
        String id = http.post("/api/v1/sweeps", sweep(name, """
                        {"optimizer.generator.learningRate": {"values": [0.001, 0.0001]}}
                        """, ", \"seeds\": 2, \"parallelTrials\": 4"))
                .json()
                .get("id")
                .asString();
        driver.drive();
        List<String> jobs = jobIds(http.get("/api/v1/sweeps/" + id).json());
        double[] last = {0.9, 0.3, 0.5, 0.55};
        for (int i = 0; i < 4; i++) {
            UUID job = UUID.fromString(jobs.get(i));
            metrics.write(job, 1, List.of(new MetricPoint("eval/high-quality", 200, last[i], null)));
            finish(job, "SUCCEEDED");
        }
        JsonNode best = http.get("/api/v1/sweeps/" + id + "/analysis").json().get("best");
        // 0.6 ± 0.42 against 0.525 ± 0.035
        assertThat(best.get("configuration").asInt()).isZero();
        assertThat(best.get("confidence").asString()).isEqualTo("uncertain");
        assertThat(best.get("note").asString()).contains("seeds disagree", "configuration 1");
    }

    /**
     * All of a sweep's state is in its rows: drivers made afresh (a restarted server, or a second
     * one) carry it on, and two passes at once over the same sweep never queue a trial twice nor
     * more than parallelTrials at a time.
     */
    @Test
    void fresh_drivers_racing_each_other_carry_a_sweep_on_without_double_submits() throws Exception {
        String id = http.post("/api/v1/sweeps", sweep(unique("race"), """
                        {"loss.terms[1].weight": {"values": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}}
                        """, ", \"parallelTrials\": 2"))
                .json()
                .get("id")
                .asString();
        for (int round = 0; round < 4; round++) {
            race(List.of(freshDriver(), freshDriver(), freshDriver()));
            List<String> jobs = jobIds(http.get("/api/v1/sweeps/" + id).json());
            assertThat(activeJobs(jobs)).isLessThanOrEqualTo(2);
            assertThat(jobs).doesNotHaveDuplicates();
            assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE idempotency_key LIKE :key")
                            .param("key", "sweep-" + id + "-%")
                            .query(Integer.class)
                            .single())
                    .isEqualTo(jobs.size());
            // The next round starts after one of them ends.
            for (String job : jobs) {
                if (http.get("/api/v1/jobs/" + job)
                        .json()
                        .get("state")
                        .asString()
                        .equals("QUEUED")) {
                    finish(UUID.fromString(job), "SUCCEEDED");
                    break;
                }
            }
        }
        assertThat(jobIds(http.get("/api/v1/sweeps/" + id).json())).hasSize(5);
        http.post("/api/v1/sweeps/" + id + "/cancel", "");
    }

    /** One pass of each driver, all started at once. */
    static void race(List<SweepDriver> servers) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(servers.size());
        List<Thread> threads = new ArrayList<>();
        for (SweepDriver server : servers) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                server.drive();
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private SweepDriver freshDriver() {
        return new SweepDriver(repository, jobService, json, transactions, new SimpleMeterRegistry());
    }

    /**
     * A sweep whose base forks: every trial starts from the parent's best checkpoint, pinned by
     * step in its stored spec; a fork that cannot be is refused as the base's fault.
     */
    @Test
    void a_sweep_of_forks_pins_every_trial_to_the_parents_best_checkpoint() {
        UUID parent =
                UUID.fromString(http.post("/api/v1/jobs", """
                        {"dataset": "ring8", "model": {"hiddenUnits": 16, "hiddenLayers": 1}, "training": {"steps": 20},
                         "checkpoints": {"keepBest": {"metric": "eval/modes", "goal": "max"}}}
                        """).json().get("id").asString());
        // Checkpoints at 5 and 10, the first one measuring better; their bytes do not matter here.
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, parent, 1, 5, new byte[] {1}, 5))
                .isTrue();
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, parent, 1, 10, new byte[] {2}, 5))
                .isTrue();
        metrics.write(
                parent,
                1,
                List.of(new MetricPoint("eval/modes", 5, 8, null), new MetricPoint("eval/modes", 10, 3, null)));
        String base = """
                {"dataset": "ring8", "model": {"hiddenUnits": 16, "hiddenLayers": 1}, "training": {"steps": %d},
                 "loss": {"adversarial": {"type": "non-saturating"}, "terms": [{"type": "dragan", "weight": 1}]},
                 "from": {"job": "%s", "step": "best"}}
                """;
        String space = "{\"loss.terms[0].weight\": {\"values\": [0.5, 2]}}";
        String objective = "\"objective\": {\"metric\": \"eval/modes\", \"goal\": \"max\"}";
        Http.Response refused = http.post(
                "/api/v1/sweeps",
                "{\"base\": " + base.formatted(5, parent) + ", \"space\": " + space + ", " + objective + "}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(fields(refused)).containsExactly("base.training.steps");

        JsonNode sweep = http.post(
                        "/api/v1/sweeps",
                        "{\"base\": " + base.formatted(40, parent) + ", \"space\": " + space
                                + ", \"parallelTrials\": 2, " + objective + "}")
                .json();
        String id = sweep.get("id").asString();
        // A better checkpoint after the sweep was made: the trials stay on the one pinned then.
        assertThat(artifacts.save(ArtifactKind.CHECKPOINT, parent, 1, 15, new byte[] {3}, 5))
                .isTrue();
        metrics.write(parent, 1, List.of(new MetricPoint("eval/modes", 15, 9, null)));
        driver.drive();
        List<String> jobs = jobIds(http.get("/api/v1/sweeps/" + id).json());
        assertThat(jobs).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode job = http.get("/api/v1/jobs/" + jobs.get(i)).json();
            assertThat(job.at("/spec/from/job").asString()).isEqualTo(parent.toString());
            assertThat(job.at("/spec/from/step").asLong())
                    .as("the best checkpoint by eval/modes")
                    .isEqualTo(5);
            assertThat(job.at("/spec/loss/terms/0/weight").asDouble()).isEqualTo(i == 0 ? 0.5 : 2);
        }
        http.post("/api/v1/sweeps/" + id + "/cancel", "");
    }

    /** A project at its queued-jobs quota: the sweep waits its turn, without a failed pass. */
    @Test
    void a_project_at_its_queued_jobs_quota_makes_the_sweep_wait() {
        Tenants.Tenant tenant = Tenants.create(http, "sweep-quota");
        Http.Response quota = http.put("/api/v1/projects/" + tenant.projectId() + "/quotas", "{\"queuedJobs\": 1}");
        assertThat(quota.status()).as(new String(quota.bytes())).isEqualTo(200);
        String id = tenant.http()
                .post("/api/v1/sweeps", sweep(unique("quota"), """
                        {"loss.terms[1].weight": {"values": [0.1, 0.2, 0.3]}}
                        """, ", \"parallelTrials\": 3"))
                .json()
                .get("id")
                .asString();
        double failedBefore = meters.counter("gantry.sweeps.driver.errors").count();
        driver.drive();
        List<String> jobs = jobIds(tenant.http().get("/api/v1/sweeps/" + id).json());
        assertThat(jobs).hasSize(1);
        assertThat(meters.counter("gantry.sweeps.driver.errors").count()).isEqualTo(failedBefore);
        finish(UUID.fromString(jobs.get(0)), "SUCCEEDED");
        driver.drive();
        assertThat(jobIds(tenant.http().get("/api/v1/sweeps/" + id).json())).hasSize(2);
        tenant.http().post("/api/v1/sweeps/" + id + "/cancel", "");
    }

    @Test
    void another_projects_sweep_is_not_found() {
        String id = http.post("/api/v1/sweeps", sweep(unique("iso"), "{}", ""))
                .json()
                .get("id")
                .asString();
        var other = Tenants.create(http, "sweep-iso");
        assertThat(other.http().get("/api/v1/sweeps/" + id).status()).isEqualTo(404);
        assertThat(other.http().post("/api/v1/sweeps/" + id + "/cancel", "").status())
                .isEqualTo(404);
        assertThat(other.http().get("/api/v1/sweeps").json().toString()).doesNotContain(id);
        assertThat(http.post("/api/v1/sweeps/" + id + "/cancel", "").status()).isEqualTo(200);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Σ(x − x̄)² / (n − 1), from the deviations: the textbook form, not the analysis's code. */
    private static double sampleStd(double[] values) {
        double m = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += Math.pow(v - m, 2);
        }
        return Math.sqrt(squares / (values.length - 1));
    }

    private static List<String> jobIds(JsonNode sweep) {
        List<String> ids = new ArrayList<>();
        sweep.get("trials").forEach(t -> {
            if (t.has("job")) {
                ids.add(t.get("job").asString());
            }
        });
        return ids;
    }

    private int activeJobs(List<String> ids) {
        return (int) ids.stream()
                .map(id -> http.get("/api/v1/jobs/" + id).json().get("state").asString())
                .filter(s -> s.equals("QUEUED") || s.equals("RUNNING"))
                .count();
    }

    /** As a worker would end it. */
    private void finish(UUID job, String state) {
        jdbc.sql("UPDATE jobs SET state = :state, finished_at = now(), updated_at = now() WHERE id = :id")
                .param("state", state)
                .param("id", job)
                .update();
    }
}
