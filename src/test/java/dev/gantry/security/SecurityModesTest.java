package dev.gantry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.GantryApplication;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.TestDatabase;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole servers started the way an operator starts them (command-line settings), on the test
 * PostgreSQL: the first start's owner key, the local-only mode, a separate management port.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecurityModesTest {

    private static final Pattern PRINTED = Pattern.compile("export GANTRY_KEY=(gk_[A-Za-z0-9_-]{43})");

    @Test
    void the_first_start_prints_an_owner_key_once_and_later_starts_print_none(CapturedOutput output)
            throws IOException {
        String database = TestDatabase.newDatabaseUrl();
        String key;
        try (ConfigurableApplicationContext first = start(database, "--gantry.security.bootstrap-key=")) {
            Matcher printed = PRINTED.matcher(output.getOut());
            assertThat(printed.find()).as("the owner key is printed").isTrue();
            key = printed.group(1);
            assertThat(printed.find()).as("once").isFalse();
            // Spring's default user is off: no second, unusable "generated security password".
            assertThat(output.getAll()).doesNotContain("generated security password");
            Http http = new Http(port(first), key);
            assertThat(http.get("/api/v1/projects").status()).isEqualTo(200);
            assertThat(http.withKey(null).get("/api/v1/jobs").status()).isEqualTo(401);
        }
        // Printed to the console, never through the log (whose lines carry a level and a logger).
        assertThat(output.getAll().lines().filter(l -> l.contains(key) && l.contains(" INFO ")))
                .isEmpty();
        int before = output.getOut().length();
        try (ConfigurableApplicationContext second = start(database, "--gantry.security.bootstrap-key=")) {
            assertThat(output.getOut().substring(before)).doesNotContain("GANTRY_KEY");
            assertThat(new Http(port(second), key).get("/api/v1/projects").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void local_only_mode_needs_no_key_and_listens_on_loopback_only() throws IOException {
        try (ConfigurableApplicationContext app =
                start(TestDatabase.newDatabaseUrl(), "--gantry.security.local-only=true")) {
            Http http = new Http(port(app), null);
            assertThat(http.get("/api/v1/jobs").status()).isEqualTo(200);
            assertThat(http.post("/api/v1/jobs", "{\"dataset\":\"ring8\",\"training\":{\"steps\":10}}")
                            .status())
                    .isEqualTo(201);
            assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
            Optional<InetAddress> external = externalAddress();
            if (external.isEmpty()) {
                System.out.println("No non-loopback IPv4 address on this machine: the bind is not probed from outside");
            }
            external.ifPresent(address -> assertThat(connects(address, port(app)))
                    .as("reachable on %s", address)
                    .isFalse());
        }
    }

    @Test
    void local_only_mode_refuses_to_start_on_another_interface() {
        assertThatThrownBy(() -> start(
                                TestDatabase.newDatabaseUrl(),
                                "--gantry.security.local-only=true",
                                "--server.address=0.0.0.0")
                        .close())
                .hasStackTraceContaining("local-only")
                .hasStackTraceContaining("server.address is 0.0.0.0");
    }

    @Test
    void a_separate_management_port_serves_prometheus_without_a_key_and_the_api_port_does_not() throws IOException {
        try (ConfigurableApplicationContext app = start(TestDatabase.newDatabaseUrl(), "--management.server.port=0")) {
            int management = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
            assertThat(management).isNotEqualTo(port(app));
            assertThat(new Http(management, null).get("/actuator/prometheus").status())
                    .isEqualTo(200);
            assertThat(new Http(management, null).get("/actuator/health").status())
                    .isEqualTo(200);
            assertThat(new Http(port(app)).get("/actuator/prometheus").status()).isEqualTo(404);
            assertThat(new Http(port(app), null).get("/api/v1/jobs").status()).isEqualTo(401);
        }
    }

    private static ConfigurableApplicationContext start(String database, String... arguments) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--gantry.worker.local-count=0",
                "--gantry.generation.local-count=0",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=" + TestDatabase.username(),
                "--spring.datasource.password=" + (TestDatabase.password() == null ? "" : TestDatabase.password()),
                "--gantry.data-dir=" + Files.createTempDirectory("gantry-security-modes")));
        args.addAll(List.of(arguments));
        return new SpringApplicationBuilder(GantryApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
