package dev.gantry.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.testsupport.FeatureNetworkUploads;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Jobs;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.TestDatabaseInitializer;
import dev.gantry.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in a real Chromium against the whole service: embedded PostgreSQL, the API, and a
 * local worker process training real (tiny) networks. Each journey makes its own jobs and
 * datasets, under names of its own, and finds them among whatever else the database holds.
 * Screenshots go to target/screenshots/.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=1",
            "gantry.generation.local-count=1",
            "gantry.scheduler.heartbeat-interval=500ms",
            "gantry.worker.metrics-flush-interval=500ms"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class DashboardJourneyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TRAINING = Duration.ofMinutes(4);

    @LocalServerPort
    int port;

    Http http;
    Browser browser;

    @BeforeAll
    static void chromium() {
        Browser.assumeInstalled(DashboardJourneyTest.class);
    }

    @BeforeEach
    void open() {
        http = new Http(port);
        browser = new Browser();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    private String base() {
        return "http://localhost:" + port + "/";
    }

    private void logIn() {
        browser.open(base());
        browser.awaitVisible("#api-key").sendKeys(TestKeys.OWNER, Keys.ENTER);
        browser.awaitVisible("#jobs-table");
    }

    private void go(String hash) {
        // A hash change, not a page load: the app routes without reloading, as a user's click does.
        browser.js("location.hash = arguments[0]", hash);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String submit(String spec) {
        Http.Response created = http.post("/api/v1/jobs", spec);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        return created.json().get("id").asString();
    }

    @Test
    void a_key_logs_in_by_keyboard_a_bad_one_is_refused_and_the_key_never_reaches_the_url() {
        String name = unique("login-filter");
        List<String> ids = new ArrayList<>(); // oldest first
        for (int i = 0; i < 3; i++) {
            ids.add(submit("{\"name\": \"" + name + "\", \"dataset\": \"ring8\", \"training\": {\"steps\": 100}}"));
            http.post("/api/v1/jobs/" + ids.get(i) + "/cancel", null);
        }

        browser.open(base());
        WebElement key = browser.awaitVisible("#api-key");
        assertThat(browser.driver.switchTo().activeElement())
                .as("the key field has the focus")
                .isEqualTo(key);
        key.sendKeys("gk_not-a-key-00000000000000000000000000000000", Keys.ENTER);
        String refusal = browser.await("the refusal", d -> {
            String text = browser.find("#login-error").getText();
            return text.isEmpty() ? null : text;
        });
        assertThat(refusal).contains("not valid");
        assertThat(key.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.js("return sessionStorage.getItem('gantry.key')")).isNull();

        key.clear();
        key.sendKeys(TestKeys.OWNER, Keys.ENTER);
        browser.awaitVisible("#jobs-table");
        assertThat(browser.js("return sessionStorage.getItem('gantry.key')")).isEqualTo(TestKeys.OWNER);
        assertThat(browser.driver.getCurrentUrl())
                .doesNotContain(TestKeys.OWNER)
                .doesNotContain("gk_");

        // Filters go to the API: only this test's jobs, in their state, newest first.
        browser.find("#filter-name").sendKeys(name);
        new Select(browser.find("#filter-state")).selectByValue("CANCELLED");
        browser.find("#filter-name").sendKeys(Keys.ENTER);
        browser.await("the filtered list", d -> shownJobs().equals(List.of(ids.get(2), ids.get(1), ids.get(0))));
        assertThat(browser.find("tr[data-job-id='" + ids.get(0) + "']").getAttribute("data-state"))
                .isEqualTo("CANCELLED");
        assertThat(browser.driver.getCurrentUrl()).contains("state=CANCELLED").doesNotContain("gk_");

        // Pages of two: the cursor goes forward and back.
        go("#/jobs?name=" + name + "&pageSize=2");
        browser.await("the first page", d -> shownJobs().equals(List.of(ids.get(2), ids.get(1))));
        browser.find("#page-next").click();
        browser.await("the second page", d -> shownJobs().equals(List.of(ids.get(0))));
        assertThat(browser.find("#page-next").isEnabled()).isFalse();
        browser.find("#page-prev").click();
        browser.await("the first page again", d -> shownJobs().equals(List.of(ids.get(2), ids.get(1))));

        // Workers: the local one, with its device and a fresh heartbeat.
        go("#/workers");
        WebElement worker = browser.awaitVisible("#workers tbody tr[data-worker]");
        assertThat(worker.getAttribute("data-state")).isIn("IDLE", "BUSY");
        assertThat(worker.getText()).contains("cpu", " s");

        // At phone width the page still fits: nothing scrolls sideways but the tables' own boxes.
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        go("#/jobs");
        browser.awaitVisible("#jobs-table");
        assertThat((Boolean) browser.js(
                        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
                .as("no sideways scrolling at 390 px")
                .isTrue();
        browser.screenshot("login-phone-jobs");

        browser.find("#logout").click();
        browser.awaitVisible("#api-key");
        assertThat(browser.js("return sessionStorage.getItem('gantry.key')")).isNull();
    }

    /** The ids of the jobs listed, top to bottom. */
    private List<String> shownJobs() {
        return browser.driver.findElements(By.cssSelector("#jobs-table tbody tr[data-job-id]")).stream()
                .map(r -> r.getAttribute("data-job-id"))
                .toList();
    }

    @Test
    void a_loss_built_in_the_form_trains_with_a_live_curve_and_samples_until_cancelled() throws Exception {
        String name = unique("journey-wgan-gp");
        logIn();
        go("#/new");
        browser.awaitVisible("#loss-adversarial");
        browser.find("[data-path='name']").sendKeys(name);
        browser.find("label[for='ds-ring8']").click();
        new Select(browser.find("#loss-adversarial")).selectByValue("wasserstein");
        new Select(browser.find("#add-term")).selectByValue("gradient-penalty");
        browser.find("#add-term-button").click();
        WebElement weight = browser.awaitVisible("[data-path='loss.terms[0].weight']");
        weight.clear();
        weight.sendKeys("5");
        setNumber("training.steps", "1000000");
        setNumber("training.batchSize", "64");
        setNumber("evaluation.everySteps", "50");
        setNumber("evaluation.samples", "500");
        setNumber("checkpoints.everySteps", "50");
        assertThat(browser.find("fieldset[data-term='gradient-penalty']").getText())
                .as("the term's parameters come from the catalog")
                .contains("target", "oneSided");

        JsonNode shown = JSON.readTree(browser.find("#spec-json").getAttribute("value"));
        assertThat(shown.at("/loss/adversarial/type").asString()).isEqualTo("wasserstein");
        assertThat(shown.at("/loss/terms/0/type").asString()).isEqualTo("gradient-penalty");
        assertThat(shown.at("/loss/terms/0/weight").asDouble()).isEqualTo(5.0);
        browser.screenshot("new-job-loss-builder");

        browser.js("window.__sameDocument = 'yes'");
        browser.find("#submit-job").click();
        String id = awaitPageOf("jobs");
        try {
            JsonNode stored = http.get("/api/v1/jobs/" + id).json();
            assertThat(stored.get("name").asString()).isEqualTo(name);
            assertThat(stored.at("/spec/loss/adversarial/type").asString()).isEqualTo("wasserstein");
            assertThat(stored.at("/spec/loss/terms/0/type").asString()).isEqualTo("gradient-penalty");
            assertThat(stored.at("/spec/loss/terms/0/weight").asDouble()).isEqualTo(5.0);

            browser.await("RUNNING", d -> browser.present("#job-header [data-state='RUNNING']"));
            // The curve grows while we watch, without a reload: the same document throughout.
            long first = awaitLastStep(0);
            // Past 600 steps the chart buckets them: a mean line with each bucket's min-max band.
            long later = awaitLastStep(Math.max(first + 20, 700));
            assertThat(later).isGreaterThan(first);
            browser.await(
                    "min-max bands",
                    d -> "true".equals(browser.find("#loss-chart").getAttribute("data-banded")));
            assertThat(browser.find("#loss-chart").getAttribute("data-series"))
                    .contains("loss/d", "loss/g", "loss/d/gradient-penalty", "loss/d/wasserstein");
            browser.await(
                    "a sample grid",
                    d -> (Boolean)
                            browser.js(
                                    "const i = document.getElementById('sample-image'); return !i.hidden && i.complete && i.naturalWidth > 0"));
            assertThat(Long.parseLong(browser.find("#sample-image").getAttribute("data-step")))
                    .isGreaterThanOrEqualTo(50);
            browser.await(
                    "the evaluation curve",
                    d -> browser.find("#eval-chart").getAttribute("data-series").contains("eval/modes"));
            assertThat(browser.js("return window.__sameDocument")).isEqualTo("yes");
            browser.screenshot("job-running-live-curves-and-samples");

            // Zoom: a drag across the middle half of the curves fetches that range again.
            WebElement plot = browser.find("#loss-chart .u-over");
            int width = plot.getSize().getWidth();
            new Actions(browser.driver)
                    .moveToElement(plot, -width / 4, 0)
                    .clickAndHold()
                    .moveByOffset(width / 2, 0)
                    .release()
                    .perform();
            String zoom = browser.await("the zoomed range", d -> {
                String range = browser.find("#loss-chart").getAttribute("data-zoom");
                return range == null || range.isEmpty() ? null : range;
            });
            long zoomFrom = Long.parseLong(zoom.split("-")[0]);
            long zoomTo = Long.parseLong(zoom.split("-")[1]);
            assertThat(zoomFrom).isPositive().isLessThan(zoomTo);
            assertThat(zoomTo)
                    .isLessThanOrEqualTo(
                            Long.parseLong(browser.find("#loss-chart").getAttribute("data-last-step")));
            browser.awaitVisible("#reset-zoom").click();
            browser.await(
                    "the whole run again",
                    d -> browser.find("#loss-chart").getAttribute("data-zoom").isEmpty());
            // And by keyboard: a typed step range.
            browser.find("#zoom-from").clear();
            browser.find("#zoom-from").sendKeys("100");
            browser.find("#zoom-to").clear();
            browser.find("#zoom-to").sendKeys("300", Keys.ENTER);
            browser.await(
                    "the typed range",
                    d -> "100-300".equals(browser.find("#loss-chart").getAttribute("data-zoom")));
            browser.find("#reset-zoom").click();
            browser.find("#log-scale").click();
            assertThat(browser.find("#loss-chart").getAttribute("data-log")).isEqualTo("true");

            go("#/jobs");
            WebElement row = browser.awaitVisible("tr[data-job-id='" + id + "']");
            assertThat(row.getAttribute("data-state")).isEqualTo("RUNNING");
            assertThat(row.getText()).contains(name, "ring8", "wasserstein + 5×gradient-penalty");
            browser.screenshot("jobs-list-running");

            go("#/jobs/" + id);
            browser.awaitVisible("#cancel").click();
            browser.await("CANCELLED", d -> browser.present("#job-header [data-state='CANCELLED']"));
            assertThat(Jobs.awaitState(http, id, "CANCELLED", Duration.ofSeconds(30))
                            .get("state")
                            .asString())
                    .isEqualTo("CANCELLED");
            browser.awaitVisible("#resume");
            assertThat(browser.present("#cancel")).isFalse();
            assertThat(browser.find("#event-log").getText()).contains("cancel requested");
            assertThat(browser.js("return window.__sameDocument")).isEqualTo("yes");
        } finally {
            http.post("/api/v1/jobs/" + id + "/cancel", null);
        }
    }

    /** The id in the route once the app has gone to the page of one job or dataset. */
    private String awaitPageOf(String section) {
        String route = ".*#/" + section + "/";
        return browser.await(
                "the page of one of " + section,
                d -> d.getCurrentUrl().matches(route + "[0-9a-f-]{36}$")
                        ? d.getCurrentUrl().replaceAll(route, "")
                        : null);
    }

    /** The loss chart's last step once it is beyond {@code after}. */
    private long awaitLastStep(long after) {
        return browser.await("the loss curve beyond step " + after, d -> {
            String last = browser.find("#loss-chart").getAttribute("data-last-step");
            return last != null && !last.isEmpty() && Long.parseLong(last) > after ? Long.parseLong(last) : null;
        });
    }

    private void setNumber(String path, String value) {
        WebElement input = browser.find("[data-path='" + path + "']");
        input.clear();
        input.sendKeys(value);
    }

    @Test
    void a_refused_spec_shows_each_error_beside_its_field_and_the_json_edits_the_form() {
        String name = unique("refused");
        logIn();
        go("#/new");
        browser.awaitVisible("#loss-adversarial");
        new Select(browser.find("#add-term")).selectByValue("r1");
        browser.find("#add-term-button").click();
        browser.awaitVisible("[data-path='loss.terms[0].weight']");

        // A choice of numbers goes into the spec as a number, as the server wants it.
        new Select(browser.find("[data-path='data.resolution']")).selectByValue("64");
        JsonNode shown = JSON.readTree(browser.find("#spec-json").getAttribute("value"));
        assertThat(shown.at("/data/resolution").isNumber()).as(shown.toString()).isTrue();
        assertThat(shown.at("/data/resolution").asInt()).isEqualTo(64);

        // Edit the JSON: the form follows (name, steps, and the term's weight).
        WebElement json = browser.find("#spec-json");
        json.clear();
        json.sendKeys("{\"name\": \"" + name + "\", \"dataset\": \"ring8\", \"loss\": {\"adversarial\": "
                + "{\"type\": \"hinge\"}, \"terms\": [{\"type\": \"r1\", \"weight\": -1}]}, "
                + "\"training\": {\"steps\": 0}}");
        browser.await(
                "the form to follow the JSON",
                d -> "0".equals(browser.find("[data-path='training.steps']").getAttribute("value"))
                        && "-1"
                                .equals(browser.find("[data-path='loss.terms[0].weight']")
                                        .getAttribute("value")));
        assertThat(new Select(browser.find("#loss-adversarial"))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("hinge");
        assertThat(browser.find("[data-path='name']").getAttribute("value")).isEqualTo(name);

        browser.find("#submit-job").click();
        WebElement weightError = browser.awaitVisible(".field-error[data-error-for='loss.terms[0].weight']");
        WebElement stepsError = browser.awaitVisible(".field-error[data-error-for='training.steps']");
        assertThat(weightError.getText()).contains(">= 0");
        assertThat(stepsError.getText()).contains("between 1 and");
        // Beside the right input: in the same field box, and the input is marked and described by it.
        WebElement weight = browser.find("[data-path='loss.terms[0].weight']");
        assertThat(browser.js(
                        "return arguments[0].closest('.field') === arguments[1].closest('.field')",
                        weight,
                        weightError))
                .isEqualTo(true);
        assertThat(weight.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(weight.getAttribute("aria-describedby")).isEqualTo(weightError.getAttribute("id"));
        WebElement steps = browser.find("[data-path='training.steps']");
        assertThat(browser.js(
                        "return arguments[0].closest('.field') === arguments[1].closest('.field')", steps, stepsError))
                .isEqualTo(true);
        assertThat(browser.driver.switchTo().activeElement())
                .as("the first field named has the focus")
                .isIn(weight, steps);
        assertThat(browser.present(".field-error[data-error-for='dataset']")).isFalse();
        browser.screenshot("new-job-inline-errors");
        assertThat(http.get("/api/v1/jobs?name=" + name).json().get("jobs")).isEmpty();

        // Corrected in the form, the same spec is accepted.
        weight.clear();
        weight.sendKeys("2");
        setNumber("training.steps", "100");
        browser.find("#submit-job").click();
        String id = awaitPageOf("jobs");
        http.post("/api/v1/jobs/" + id + "/cancel", null);
        JsonNode stored = http.get("/api/v1/jobs/" + id).json();
        assertThat(stored.at("/spec/loss/terms/0/weight").asDouble()).isEqualTo(2.0);
        assertThat(stored.at("/spec/training/steps").asLong()).isEqualTo(100);
    }

    @Test
    void cloning_a_job_starts_the_form_from_its_spec() {
        String name = unique("clone-source");
        String id = submit("{\"name\": \"" + name + "\", \"dataset\": \"grid25\", \"loss\": {\"adversarial\": "
                + "{\"type\": \"least-squares\"}, \"terms\": [{\"type\": \"dragan\", \"weight\": 3, "
                + "\"params\": {\"c\": 0.25}}]}, \"training\": {\"steps\": 100, \"seed\": 9}}");
        http.post("/api/v1/jobs/" + id + "/cancel", null);
        logIn();
        go("#/jobs/" + id);
        browser.awaitVisible("#clone").click();
        browser.await(
                "the cloned spec",
                d -> (name + "-clone").equals(browser.find("[data-path='name']").getAttribute("value")));
        assertThat(new Select(browser.find("#loss-adversarial"))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("least-squares");
        assertThat(browser.find("[data-path='loss.terms[0].weight']").getAttribute("value"))
                .isEqualTo("3");
        assertThat(browser.find("[data-path='loss.terms[0].params.c']").getAttribute("value"))
                .isEqualTo("0.25");
        assertThat(browser.find("#ds-grid25").isSelected()).isTrue();
        assertThat(browser.find("[data-path='training.seed']").getAttribute("value"))
                .isEqualTo("9");
    }

    @Test
    void an_uploaded_dataset_shows_its_processing_then_its_preview_and_is_deleted(@TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            files.put("set/dark/" + i + ".png", DatasetFiles.png(DatasetFiles.solid(16, 16, 0x202020 * (i % 3 + 1))));
            files.put("set/light/" + i + ".png", DatasetFiles.png(DatasetFiles.gray(16, 16, i)));
        }
        Path zip = dir.resolve("shades.zip");
        Files.write(zip, DatasetFiles.zip(files));
        String name = unique("shades");

        logIn();
        go("#/datasets");
        browser.awaitVisible("#upload-name").sendKeys(name);
        browser.find("#upload-file").sendKeys(zip.toAbsolutePath().toString());
        browser.find("#upload-button").click();
        String id = awaitPageOf("datasets");
        browser.await("READY", d -> browser.present("#dataset-state[data-state='READY']"));
        browser.await(
                "the preview grid",
                d -> (Boolean)
                        browser.js(
                                "const i = document.getElementById('dataset-preview-image'); return !!i && i.complete && i.naturalWidth > 0"));
        JsonNode stored = http.get("/api/v1/datasets/" + id).json();
        assertThat(stored.get("name").asString()).isEqualTo(name);
        assertThat(stored.get("count").asInt()).isEqualTo(20);
        assertThat(browser.find("#dataset-detail").getText()).contains("dark (10)", "light (10)", "×16×16");
        assertThat(browser.find("tr[data-dataset='" + id + "']").getText()).contains(name, "READY");
        browser.screenshot("dataset-preview");

        WebElement delete = browser.find("#delete-dataset");
        delete.click();
        assertThat(http.get("/api/v1/datasets/" + id).status())
                .as("the first press only asks again")
                .isEqualTo(200);
        browser.find("#delete-dataset").click();
        browser.await(
                "the dataset gone from the list",
                d -> d.getCurrentUrl().endsWith("#/datasets")
                        && !browser.present("tr[data-dataset='" + id + "']")
                        && browser.present("#datasets tbody tr"));
        assertThat(http.get("/api/v1/datasets/" + id).status()).isEqualTo(404);
    }

    @Test
    void a_feature_network_is_uploaded_validated_with_its_output_shapes_and_deleted(@TempDir Path dir)
            throws Exception {
        String name = unique("vgg-tiny");
        JsonNode descriptor = JSON.readTree(FeatureNetworkUploads.resource("vgg_tiny.json"));
        ((ObjectNode) descriptor).put("name", name);
        Path descriptorFile = Files.writeString(dir.resolve("vgg_tiny.json"), descriptor.toString());
        Path moduleFile = Files.write(dir.resolve("vgg_tiny.pt"), FeatureNetworkUploads.resource("vgg_tiny.pt"));

        logIn();
        go("#/feature-networks");
        browser.awaitVisible("#fn-descriptor")
                .sendKeys(descriptorFile.toAbsolutePath().toString());
        browser.find("#fn-module").sendKeys(moduleFile.toAbsolutePath().toString());
        browser.find("#fn-upload button[type=submit]").click();
        WebElement row = browser.await(
                "the network, validated",
                d -> d.findElements(By.cssSelector("#feature-networks tr[data-network]")).stream()
                        .filter(r -> r.getText().contains(name) && r.getText().contains("READY"))
                        .findFirst()
                        .orElse(null));
        String id = row.getAttribute("data-network");
        JsonNode stored = http.get(FeatureNetworkUploads.PATH + "/" + id).json();
        assertThat(stored.get("state").asString()).isEqualTo("READY");
        // The probed shapes the server recorded, as the page shows them.
        JsonNode probe = stored.get("probes").get(0);
        JsonNode shape = probe.get("shapes").get("relu1_2");
        assertThat(row.getText())
                .contains(
                        probe.get("side").asInt() + "px",
                        "relu1_2 " + shape.get(0).asInt() + "×" + shape.get(1).asInt());

        browser.find("tr[data-network='" + id + "'] button").click();
        browser.find("tr[data-network='" + id + "'] button").click();
        browser.await("the network gone", d -> !browser.present("tr[data-network='" + id + "']"));
        assertThat(http.get(FeatureNetworkUploads.PATH + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void two_finished_jobs_compare_with_overlaid_curves_metrics_and_highlighted_spec_differences() throws Exception {
        String prefix = unique("compare");
        String ns = submit("{\"name\": \"" + prefix + "-ns\", \"dataset\": \"ring8\", \"training\": "
                + "{\"steps\": 200, \"batchSize\": 64, \"seed\": 4}, \"evaluation\": {\"everySteps\": 100, "
                + "\"samples\": 500}}");
        String hinge = submit("{\"name\": \"" + prefix + "-hinge\", \"dataset\": \"ring8\", \"loss\": "
                + "{\"adversarial\": {\"type\": \"hinge\"}}, \"training\": {\"steps\": 200, \"batchSize\": 64, "
                + "\"seed\": 4}, \"evaluation\": {\"everySteps\": 100, \"samples\": 500}}");
        JsonNode nsJob = Jobs.await(http, ns, j -> j.get("state").asString().equals("SUCCEEDED"), TRAINING);
        JsonNode hingeJob =
                Jobs.await(http, hinge, j -> j.get("state").asString().equals("SUCCEEDED"), TRAINING);

        logIn();
        go("#/jobs?pageSize=100");
        browser.awaitVisible("tr[data-job-id='" + ns + "'] input[type=checkbox]")
                .click();
        browser.find("tr[data-job-id='" + hinge + "'] input[type=checkbox]").click();
        browser.find("#compare-selected").click();
        WebElement chart = browser.awaitVisible("#compare-chart");
        browser.await("both curves", d -> chart.getAttribute("data-series").split(",").length == 2);
        assertThat(chart.getAttribute("data-series")).contains(prefix + "-ns", prefix + "-hinge");
        List<JsonNode> curve = Jobs.series(
                http.get("/api/v1/jobs/" + ns + "/metrics?names=loss/d&maxPoints=1000")
                        .json(),
                "loss/d");
        assertThat(Long.parseLong(chart.getAttribute("data-last-step")))
                .isEqualTo(curve.get(curve.size() - 1).get("step").asLong());

        WebElement modes = browser.find("#compare-metrics tr[data-metric='eval/modes']");
        List<WebElement> cells = modes.findElements(By.cssSelector("td"));
        assertThat(cells).hasSize(4);
        assertThat(cells.get(0).getText())
                .isEqualTo(number(nsJob.at("/latestMetrics/eval~1modes").asDouble()));
        assertThat(cells.get(2).getText())
                .isEqualTo(number(hingeJob.at("/latestMetrics/eval~1modes").asDouble()));
        double bestModes =
                Jobs.series(
                                http.get("/api/v1/jobs/" + hinge + "/metrics?names=eval/modes")
                                        .json(),
                                "eval/modes")
                        .stream()
                        .mapToDouble(p -> p.get("value").asDouble())
                        .max()
                        .orElseThrow();
        assertThat(cells.get(3).getText()).as("best: the highest over the run").isEqualTo(number(bestModes));
        // A distance is best at its lowest: the direction comes from the server's catalog.
        List<WebElement> distance = browser.find("#compare-metrics tr[data-metric='eval/sliced-wasserstein']")
                .findElements(By.cssSelector("td"));
        double bestDistance = Jobs.series(
                        http.get("/api/v1/jobs/" + hinge + "/metrics?names=eval/sliced-wasserstein")
                                .json(),
                        "eval/sliced-wasserstein")
                .stream()
                .mapToDouble(p -> p.get("value").asDouble())
                .min()
                .orElseThrow();
        // Shown to 4 significant digits.
        assertThat(Double.parseDouble(distance.get(3).getText()))
                .as("best: the lowest over the run")
                .isCloseTo(bestDistance, org.assertj.core.api.Assertions.withinPercentage(0.1));

        WebElement differs = browser.find("#spec-diff tr[data-path='loss.adversarial.type']");
        assertThat(differs.getAttribute("class")).contains("diff");
        assertThat(differs.getText()).contains("\"non-saturating\"", "\"hinge\"");
        assertThat(browser.present("#spec-diff tr[data-path='name']")).isTrue();
        assertThat(browser.present("#spec-diff tr[data-path='dataset']"))
                .as("equal fields are hidden until asked for")
                .isFalse();
        browser.find("#show-same").click();
        assertThat(browser.find("#spec-diff tr[data-path='dataset']").getAttribute("class"))
                .doesNotContain("diff");
        browser.find("#show-same").click();
        browser.screenshot("compare-two-jobs");

        // From the comparison to one of the jobs: draw from its last checkpoint, and take it away.
        browser.find("a[href='#/jobs/" + hinge + "']").click();
        browser.awaitVisible("#gen-count").clear();
        browser.find("#gen-count").sendKeys("16");
        browser.find("#gen-seed").sendKeys("7");
        browser.find("#generate-button").click();
        browser.await(
                "generated samples",
                d -> (Boolean)
                        browser.js(
                                "const i = document.getElementById('generated-image'); return !!i && i.complete && i.naturalWidth > 0"));
        assertThat(browser.find("#generate-result").getText()).contains("seed 7", "step 200");
        browser.find("#export").click();
        Path export = browser.awaitDownload("gantry-" + hinge);
        assertThat(export.getFileName().toString()).endsWith("step-200.zip");
        assertThat(Files.readAllBytes(export))
                .isEqualTo(http.get("/api/v1/jobs/" + hinge + "/export").bytes());
    }

    @Test
    void a_sweep_shows_its_trials_then_its_analysis_plot_and_csv_a_running_one_is_cancelled_and_a_viewer_refused()
            throws Exception {
        String name = unique("sweep");
        Http.Response created = http.post("/api/v1/sweeps", """
                {"name": "%s",
                 "base": {"dataset": "ring8", "model": {"hiddenUnits": 16, "hiddenLayers": 2},
                          "training": {"steps": 200, "batchSize": 64, "seed": 5},
                          "evaluation": {"everySteps": 100, "samples": 500}},
                 "space": {"loss.adversarial.type": {"values": ["non-saturating", "least-squares"]}},
                 "seeds": 2,
                 "objective": {"metric": "eval/sliced-wasserstein", "goal": "min"},
                 "parallelTrials": 2,
                 "earlyStopping": {"type": "asha", "reductionFactor": 2, "minEvaluations": 1}}
                """.formatted(name));
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        String id = created.json().get("id").asString();
        String cancelled = null;
        String viewerSweep = null;
        Tenants.Tenant viewerTenant = null;
        try {
            logIn();
            browser.find("#nav a[data-section='sweeps']").click();
            browser.awaitVisible("tr[data-sweep-id='" + id + "'] a").click();
            assertThat(awaitPageOf("sweeps")).isEqualTo(id);

            // The request as the server accepted it, with early stopping's rung in evaluations and steps.
            assertThat(browser.awaitVisible("#sweep-rungs").getText()).contains("rung 0 at evaluation 1 (step 100)");
            assertThat(browser.find("#sweep-space tr[data-path='loss.adversarial.type']")
                            .getText())
                    .contains("non-saturating, least-squares");

            // Four trials, each with its configuration's value and its seed.
            JsonNode trials = created.json().get("trials");
            assertThat(trials).hasSize(4);
            browser.await(
                    "four trials",
                    d -> d.findElements(By.cssSelector("#sweep-trials tbody tr[data-trial]"))
                                    .size()
                            == 4);
            for (JsonNode t : trials) {
                WebElement row = browser.find(
                        "#sweep-trials tr[data-trial='" + t.get("trial").asInt() + "']");
                assertThat(row.findElement(By.cssSelector("td[data-param='loss.adversarial.type']"))
                                .getText())
                        .isEqualTo(t.at("/params/loss.adversarial.type").asString());
                assertThat(row.getText()).contains(String.valueOf(t.get("seed").asLong()));
            }

            // The page rereads the sweep while it runs: it sees the end without a reload.
            browser.js("window.__sameDocument = 'yes'");
            browser.await("COMPLETED", d -> browser.present("#sweep-state[data-state='COMPLETED']"));
            JsonNode sweep = http.get("/api/v1/sweeps/" + id).json();
            assertThat(sweep.get("state").asString()).isEqualTo("COMPLETED");
            assertThat(browser.js("return window.__sameDocument")).isEqualTo("yes");
            for (JsonNode t : sweep.get("trials")) {
                WebElement row = browser.find(
                        "#sweep-trials tr[data-trial='" + t.get("trial").asInt() + "']");
                assertThat(row.getAttribute("data-state"))
                        .isEqualTo(t.get("state").asString());
                assertThat(row.findElement(By.cssSelector(
                                        "a[href='#/jobs/" + t.get("job").asString() + "']"))
                                .isDisplayed())
                        .isTrue();
                for (JsonNode rung : t.get("rungs")) {
                    assertThat(row.getText())
                            .contains(
                                    "rung 0 (step 100)",
                                    "→ " + rung.get("decision").asString());
                }
                if (t.path("reason").isString()) {
                    assertThat(row.getText()).contains(t.get("reason").asString());
                }
            }

            // The analysis: a row per configuration with the API's numbers, the best one marked.
            JsonNode analysis = http.get("/api/v1/sweeps/" + id + "/analysis").json();
            List<WebElement> rows =
                    browser.driver.findElements(By.cssSelector("#sweep-configurations tbody tr[data-configuration]"));
            assertThat(rows).hasSize(analysis.get("configurations").size()).hasSize(2);
            for (JsonNode c : analysis.get("configurations")) {
                WebElement row = browser.find("#sweep-configurations tr[data-configuration='"
                        + c.get("configuration").asInt() + "']");
                assertThat(row.findElement(By.cssSelector("td[data-param='loss.adversarial.type']"))
                                .getText())
                        .isEqualTo(c.at("/params/loss.adversarial.type").asString());
                assertStat(row.findElement(By.cssSelector("td[data-metric='objective']")), c.get("objective"));
                if (c.get("completed").asInt() > 0) {
                    assertThat(c.get("metrics").propertyNames()).contains("eval/modes", "eval/sliced-wasserstein");
                }
                for (String metric : c.get("metrics").propertyNames()) {
                    assertStat(
                            row.findElement(By.cssSelector("td[data-metric='" + metric + "']")),
                            c.get("metrics").get(metric));
                }
            }
            JsonNode best = analysis.get("best");
            WebElement bestRow = browser.find("#sweep-configurations tr[data-best='true']");
            assertThat(bestRow.getAttribute("data-configuration"))
                    .isEqualTo(String.valueOf(best.get("configuration").asInt()));
            assertThat(bestRow.getText()).contains("best");
            assertThat(browser.find("#sweep-best-note").getText())
                    .isEqualTo(best.get("note").asString());
            assertThat(browser.find("#sweep-best .best-note").getAttribute("data-confidence"))
                    .isEqualTo(best.get("confidence").asString());
            JsonNode levels = analysis.at("/marginals/0/levels");
            assertThat(browser.driver.findElements(By.cssSelector(
                            "#sweep-marginals .marginal[data-parameter='loss.adversarial.type'] tbody tr[data-value]")))
                    .hasSize(levels.size());

            browser.await(
                    "the plot",
                    d -> (Boolean)
                            browser.js(
                                    "const i = document.getElementById('sweep-plot'); return !i.hidden && i.complete && i.naturalWidth > 0"));
            browser.screenshot("sweep-analysis");
            browser.find("#sweep-csv").click();
            String csv = Files.readString(browser.awaitDownload("sweep-" + id));
            assertThat(csv)
                    .startsWith("configuration,")
                    .isEqualTo(new String(
                            http.get("/api/v1/sweeps/" + id + "/analysis.csv").bytes(), StandardCharsets.UTF_8));

            go("#/sweeps");
            WebElement listed = browser.awaitVisible("tr[data-sweep-id='" + id + "']");
            assertThat(listed.getAttribute("data-state")).isEqualTo("COMPLETED");
            assertThat(listed.getText()).contains(name, "eval/sliced-wasserstein");

            // A new sweep from the new-job form's spec: refused whole first, naming the path.
            go("#/new");
            browser.awaitVisible("#loss-adversarial");
            browser.find("label[for='ds-ring8']").click();
            browser.find("#sweep-spec").click();
            WebElement request = browser.awaitVisible("#sweep-request");
            ObjectNode body = (ObjectNode) JSON.readTree(request.getAttribute("value"));
            assertThat(body.at("/base/dataset").asString()).isEqualTo("ring8");
            String second = unique("sweep-cancel");
            body.put("name", second);
            ((ObjectNode) body.get("base")).set("training", JSON.readTree("{\"steps\": 100000, \"batchSize\": 64}"));
            body.set("space", JSON.readTree("{\"loss.terms[5].weight\": {\"values\": [1, 2]}}"));
            body.put("seeds", 1);
            body.put("parallelTrials", 1);
            browser.js("arguments[0].value = arguments[1]", request, body.toString());
            browser.find("#submit-sweep").click();
            assertThat(browser.awaitVisible("#sweep-errors li").getText()).contains("space[\"loss.terms[5].weight\"]");

            body.set("space", JSON.readTree("{\"training.batchSize\": {\"values\": [64, 32]}}"));
            browser.js("arguments[0].value = arguments[1]", request, body.toString());
            browser.find("#submit-sweep").click();
            cancelled = awaitPageOf("sweeps");
            assertThat(http.get("/api/v1/sweeps/" + cancelled)
                            .json()
                            .get("name")
                            .asString())
                    .isEqualTo(second);
            browser.awaitVisible("#cancel-sweep").click();
            browser.await("CANCELLED", d -> browser.present("#sweep-state[data-state='CANCELLED']"));
            awaitTrialsCancelled(http, http.get("/api/v1/sweeps/" + cancelled).json());
            assertThat(browser.present("#cancel-sweep")).isFalse();

            // A viewer sees a running sweep and its Cancel, and gets the server's refusal.
            Tenants.Tenant tenant = Tenants.create(http, "sweep-viewer");
            Http.Response other = tenant.http().post("/api/v1/sweeps", """
                    {"base": {"dataset": "ring8", "training": {"steps": 100000}},
                     "space": {"training.batchSize": {"values": [64]}},
                     "objective": {"metric": "eval/modes", "goal": "max"}, "parallelTrials": 1}
                    """);
            assertThat(other.status()).as(new String(other.bytes())).isEqualTo(201);
            viewerSweep = other.json().get("id").asString();
            viewerTenant = tenant;
            browser.js("sessionStorage.setItem('gantry.key', arguments[0])", tenant.key("viewer"));
            go("#/sweeps/" + viewerSweep);
            browser.awaitVisible("#cancel-sweep").click();
            assertThat(browser.awaitVisible("#sweep-message .error").getText())
                    .contains("needs the editor role; the key has viewer");
            assertThat(browser.find("#sweep-state").getAttribute("data-state")).isEqualTo("RUNNING");
            assertThat(tenant.http()
                            .get("/api/v1/sweeps/" + viewerSweep)
                            .json()
                            .get("state")
                            .asString())
                    .isEqualTo("RUNNING");
            // Its admin may; the trials are left cancelled, not training on past the test.
            awaitTrialsCancelled(
                    tenant.http(),
                    tenant.http()
                            .post("/api/v1/sweeps/" + viewerSweep + "/cancel", null)
                            .json());
        } finally {
            http.post("/api/v1/sweeps/" + id + "/cancel", null);
            if (cancelled != null) {
                http.post("/api/v1/sweeps/" + cancelled + "/cancel", null);
            }
            if (viewerSweep != null) {
                viewerTenant.http().post("/api/v1/sweeps/" + viewerSweep + "/cancel", null);
            }
        }
    }

    private static void awaitTrialsCancelled(Http http, JsonNode sweep) throws InterruptedException {
        assertThat(sweep.get("state").asString()).isEqualTo("CANCELLED");
        for (JsonNode t : sweep.get("trials")) {
            if (t.path("job").isString()) {
                Jobs.awaitState(http, t.get("job").asString(), "CANCELLED", Duration.ofSeconds(30));
            }
        }
    }

    /** A cell of mean ± std (n) holds the API's numbers, and shows the mean. */
    private static void assertStat(WebElement cell, JsonNode stat) {
        if (stat == null || stat.isNull()) {
            assertThat(cell.getAttribute("data-mean")).isNull();
            assertThat(cell.getText()).isEqualTo("–");
            return;
        }
        double mean = stat.get("mean").asDouble();
        assertThat(Double.parseDouble(cell.getAttribute("data-mean"))).isEqualTo(mean);
        assertThat(cell.getAttribute("data-n"))
                .isEqualTo(String.valueOf(stat.get("n").asInt()));
        if (stat.path("std").isNumber()) {
            assertThat(Double.parseDouble(cell.getAttribute("data-std")))
                    .isEqualTo(stat.get("std").asDouble());
        } else {
            assertThat(cell.getAttribute("data-std")).isEmpty();
        }
        // Shown to 4 significant digits.
        assertThat(Double.parseDouble(cell.getText().split(" ")[0])).isCloseTo(mean, within(Math.abs(mean) * 1e-3));
        assertThat(cell.getText()).endsWith("(n=" + stat.get("n").asInt() + ")");
    }

    /** As the page prints a whole number (modes captured). */
    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
