package dev.gantry.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local start's PostgreSQL: no connection without the password, the password file private, loopback only. */
class EmbeddedPostgresServerTest {

    @TempDir
    Path dataDir;

    @Test
    void refuses_connections_without_the_password_and_keeps_the_password_private_across_restarts() throws Exception {
        Path passwordFile = dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE);
        String password;
        int port;
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0, 20);
        try {
            password = server.password();
            port = server.postgres().getPort();
            assertThat(Files.getPosixFilePermissions(passwordFile))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(passwordFile).strip()).isEqualTo(password);

            assertRefused(port, null);
            assertRefused(port, "postgres");
            assertRefused(port, password + "x");
            try (Connection c = connect(port, password);
                    Statement s = c.createStatement()) {
                var rs = s.executeQuery("SHOW listen_addresses");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("localhost");
            }
            // Not reachable from another host: nothing listens on this machine's outward address.
            Optional<InetAddress> outward = outwardAddress();
            if (outward.isPresent()) {
                assertThatThrownBy(() -> new Socket(outward.get(), port).close())
                        .isInstanceOf(IOException.class);
            }
        } finally {
            server.close();
        }

        // Restarted on the same data: the same password, still required.
        EmbeddedPostgresServer again = EmbeddedPostgresServer.start(dataDir, 0, 20);
        try {
            assertThat(again.password()).isEqualTo(password);
            assertRefused(again.postgres().getPort(), null);
            try (Connection c = connect(again.postgres().getPort(), password)) {
                assertThat(c.isValid(5)).isTrue();
            }
        } finally {
            again.close();
        }
    }

    @Test
    void a_password_file_it_did_not_write_is_refused_instead_of_used() throws IOException {
        Files.writeString(dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE), "hunter2\n");

        assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0, 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not hold a password written by Gantry");
    }

    private static void assertRefused(int port, String password) {
        assertThatThrownBy(() -> connect(port, password).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("28P01", "08004"));
    }

    private static Connection connect(int port, String password) throws SQLException {
        var properties = new java.util.Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", properties);
    }

    private static Optional<InetAddress> outwardAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
