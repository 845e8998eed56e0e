package dev.gantry.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestDatabaseInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/** With gantry.security.local-only the server needs no key, and neither does its dashboard. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.security.local-only=true",
            "gantry.worker.local-count=0",
            "gantry.generation.local-count=0"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class DashboardLocalOnlyTest {

    @LocalServerPort
    int port;

    Browser browser;

    @BeforeAll
    static void chromium() {
        Browser.assumeInstalled(DashboardLocalOnlyTest.class);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void the_dashboard_opens_on_the_jobs_without_asking_for_a_key() {
        browser = new Browser();
        browser.open("http://localhost:" + port + "/");
        browser.awaitVisible("#jobs-table");
        assertThat(browser.present("#api-key")).isFalse();
        assertThat(browser.find("#logout").isDisplayed())
                .as("nothing to log out of")
                .isFalse();
        assertThat(browser.js("return sessionStorage.getItem('gantry.key')")).isNull();
        browser.js("location.hash = '#/new'");
        browser.awaitVisible("#loss-adversarial");
    }
}
