package dev.gantry.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The embedded PostgreSQL of the local start, locked down: it listens on loopback only, and every
 * connection (TCP or the Unix socket, which sits in a world-writable {@code /tmp}) must give the
 * superuser's password. The password is random, kept in {@code <data>/../postgres.password}
 * (0600) and reused on restart.
 *
 * <p>zonky's {@code initdb} always runs with {@code -A trust}, and the password can only be set
 * by a connected superuser. So a new cluster starts once under initdb's trust rules (loopback
 * and this user's socket only), gets its password, and then its {@code pg_hba.conf} is replaced
 * and reloaded. Our {@code pg_hba.conf} is written only after the password is set, so it doubles
 * as the marker: a cluster without it (new, or interrupted before) goes through that step again.
 */
public final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    static final String PASSWORD_FILE = "postgres.password";

    // Written only once the superuser has a password; its first line marks the cluster as ours.
    private static final String HBA = """
            # Written by Gantry: every connection gives the superuser's password (see postgres.password).
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    /** @param dataDir the parent of the cluster's folder ({@code postgres}) and of the password file */
    public static EmbeddedPostgresServer start(Path dataDir, int port, int maxConnections) throws IOException {
        Path pgData = dataDir.resolve("postgres").toAbsolutePath();
        Files.createDirectories(pgData.getParent());
        String password = password(dataDir.resolve(PASSWORD_FILE));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", String.valueOf(maxConnections))
                // Both loopback addresses: zonky's JDBC URL says "localhost", which may be either.
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                // zonky's readiness check connects with these; trust ignores them on a new cluster.
                .setConnectConfig("password", password)
                .start();
        try {
            if (!isLockedDown(pgData)) {
                lockDown(postgres, pgData, password);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e instanceof IOException io ? io : new IOException("Could not lock down the embedded PostgreSQL", e);
        }
        return new EmbeddedPostgresServer(postgres, password);
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, "postgres");
    }

    private static boolean isLockedDown(Path pgData) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        return Files.exists(hba)
                && Files.readString(hba).startsWith(HBA.lines().findFirst().orElseThrow());
    }

    private static void lockDown(EmbeddedPostgres postgres, Path pgData, String password)
            throws IOException, SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            // Hex only, so the literal needs no escaping.
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Path hba = pgData.resolve("pg_hba.conf");
            Path temp = pgData.resolve("pg_hba.conf.tmp");
            Files.writeString(temp, HBA, StandardCharsets.UTF_8);
            Files.move(temp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /** The stored password, or a new random one written 0600 before any cluster can use it. */
    private static String password(Path file) throws IOException {
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.matches("[0-9a-f]{32,}")) {
                throw new IOException(file + " does not hold a password written by Gantry; delete it together with "
                        + file.resolveSibling("postgres") + " to start a new database");
            }
            // Tightened again in case someone loosened it.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return stored;
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        Path temp = file.resolveSibling(PASSWORD_FILE + ".tmp");
        Files.deleteIfExists(temp);
        // Created 0600: never readable by others, not even for a moment.
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    public void close() throws IOException {
        postgres.close();
    }
}
