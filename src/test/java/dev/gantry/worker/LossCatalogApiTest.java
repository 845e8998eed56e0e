package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.training.loss.LossCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Every adversarial loss and every term of the catalog, submitted through the API and trained by
 * a worker process: each weighted part comes back as its own curve beside the totals.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.worker.local-spare=false",
            "gantry.generation.local-count=0",
            "gantry.worker.metrics-flush-interval=200ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class LossCatalogApiTest {

    private static final int STEPS = 40;

    @LocalServerPort
    int port;

    @Test
    void each_loss_and_term_trains_through_the_api_and_reports_its_weighted_part_as_a_curve() throws Exception {
        Http http = new Http(port);
        Map<String, String> jobs = new LinkedHashMap<>();
        for (String loss : new TreeSet<>(LossCatalog.adversarialNames())) {
            String smoothing =
                    LossCatalog.adversarial(loss).orElseThrow().labelSmoothing() ? ", \"labelSmoothing\": 0.1" : "";
            jobs.put(loss, submit(http, "{\"type\": \"%s\"%s}".formatted(loss, smoothing), "[]", false));
        }
        // perceptual needs images and an uploaded network: PerceptualJobTest trains it through the API.
        for (String term : new TreeSet<>(LossCatalog.termNames())) {
            if (term.equals("perceptual")) {
                continue;
            }
            String adversarial = term.equals("weight-clipping") ? "wasserstein" : "hinge";
            boolean constraint = LossCatalog.term(term).orElseThrow().constraint();
            String terms = "[{\"type\": \"%s\", \"weight\": %s}]".formatted(term, constraint ? "1" : "0.5");
            jobs.put(term, submit(http, "{\"type\": \"%s\"}".formatted(adversarial), terms, term.equals("r1")));
        }
        jobs.put(
                "adaptive",
                submit(
                        http,
                        "{\"type\": \"non-saturating\"}",
                        "[{\"type\": \"feature-matching\", \"weight\": 1, \"adaptive\": true}]",
                        false));

        for (Map.Entry<String, String> job : jobs.entrySet()) {
            JsonNode done = await(http, job.getValue());
            assertThat(done.get("state").asString())
                    .as("%s: %s", job.getKey(), done)
                    .isEqualTo("SUCCEEDED");
        }
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            String name = job.getKey();
            JsonNode spec = http.get("/api/v1/jobs/" + job.getValue()).json().get("spec");
            String adversarial = spec.at("/loss/adversarial/type").asString();
            List<String> expected =
                    new ArrayList<>(List.of("loss/d", "loss/g", "loss/d/" + adversarial, "loss/g/" + adversarial));
            var descriptor = LossCatalog.term(name);
            if (descriptor.isPresent() && !descriptor.get().constraint()) {
                String side = descriptor.get().side().metric();
                expected.add("loss/" + side + "/" + name);
            }
            if (name.equals("adaptive")) {
                expected.add("loss/g/feature-matching");
                expected.add("weight/g/feature-matching");
            }
            JsonNode metrics = http.get("/api/v1/jobs/" + job.getValue() + "/metrics?names="
                            + String.join(",", expected) + "&maxPoints=1000")
                    .json();
            for (String series : expected) {
                List<Double> values = values(metrics, series);
                assertThat(values).as("%s: %s", name, series).hasSize(STEPS).allMatch(Double::isFinite);
            }
            // The total is the sum of its weighted parts.
            if (expected.size() > 4 && !name.equals("adaptive")) {
                String part = expected.get(4);
                String total = part.substring(0, "loss/x".length());
                List<Double> sum = values(metrics, total);
                List<Double> adv = values(metrics, total + "/" + adversarial);
                List<Double> term = values(metrics, part);
                for (int i = 0; i < STEPS; i++) {
                    assertThat(sum.get(i))
                            .as("%s step %d", part, i + 1)
                            .isCloseTo(
                                    adv.get(i) + term.get(i),
                                    org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(sum.get(i)))));
                }
            }
            report.add(name + " → " + expected);
        }
        System.out.println("curves per job:\n  " + String.join("\n  ", report));
    }

    private static String submit(Http http, String adversarial, String terms, boolean spectralNorm) {
        String body = """
                {"name": "catalog", "dataset": "ring8",
                 "model": {"hiddenUnits": 16, "hiddenLayers": 2, "spectralNorm": %s},
                 "loss": {"adversarial": %s, "terms": %s},
                 "training": {"steps": %d, "batchSize": 32, "seed": 4},
                 "evaluation": {"samples": 200}}
                """.formatted(spectralNorm, adversarial, terms, STEPS);
        Http.Response response = http.post("/api/v1/jobs", body);
        assertThat(response.status())
                .as(body + " → " + new String(response.bytes()))
                .isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static JsonNode await(Http http, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode job = http.get("/api/v1/jobs/" + id).json();
        while (!List.of("SUCCEEDED", "FAILED", "CANCELLED")
                .contains(job.get("state").asString())) {
            assertThat(System.nanoTime()).as("waiting for %s", job).isLessThan(deadline);
            Thread.sleep(100);
            job = http.get("/api/v1/jobs/" + id).json();
        }
        return job;
    }

    private static List<Double> values(JsonNode metrics, String name) {
        return Jobs.series(metrics, name).stream()
                .map(p -> p.get("value").asDouble())
                .toList();
    }
}
