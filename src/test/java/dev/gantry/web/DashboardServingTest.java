package dev.gantry.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dashboard's files are served from the jar to anyone; the data behind them stays behind a key. */
@GantryIntegrationTest
class DashboardServingTest {

    @LocalServerPort
    int port;

    Http anonymous;

    @BeforeEach
    void client() {
        anonymous = new Http(port, null);
    }

    @Test
    void the_page_its_modules_and_the_chart_webjar_need_no_key() {
        Http.Response root = anonymous.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.contentType()).startsWith("text/html");
        String html = new String(root.bytes(), StandardCharsets.UTF_8);
        assertThat(html).contains("/assets/app.js", "/webjars/uplot/dist/uPlot.min.css");
        // The page holds a key in sessionStorage: only its own scripts may run, and only here.
        assertThat(root.header("Content-Security-Policy"))
                .contains("script-src 'self'", "connect-src 'self'", "object-src 'none'");
        assertThat(html).doesNotContain("<script>").doesNotContain("onclick=");

        assertThat(anonymous.get("/index.html").status()).isEqualTo(200);
        Http.Response app = anonymous.get("/assets/app.js");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.contentType()).contains("javascript");
        for (String module : new String[] {"api", "live", "chart", "dom", "views/jobs", "views/job", "views/new-job"}) {
            assertThat(anonymous.get("/assets/" + module + ".js").status())
                    .as(module)
                    .isEqualTo(200);
        }
        // Named without its version: the WebJar locator resolves it, so a uPlot upgrade is one pom line.
        Http.Response uplot = anonymous.get("/webjars/uplot/dist/uPlot.esm.js");
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(new String(uplot.bytes(), StandardCharsets.UTF_8)).contains("export");
    }

    @Test
    void the_api_stays_behind_a_key_and_other_paths_are_not_opened() {
        assertThat(anonymous.get("/api/v1/jobs").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/catalog").status()).isEqualTo(401);
        assertThat(anonymous.get("/assets/../api/v1/jobs").status()).isIn(400, 401, 404);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(anonymous.post("/", "{}").status()).as("only reads are open").isEqualTo(401);
        assertThat(new Http(port).get("/api/v1/catalog").status()).isEqualTo(200);
    }
}
