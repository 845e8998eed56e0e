package dev.gantry.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM, migrated by the project's own Flyway scripts. Spring contexts
 * in tests point at it through {@link TestDatabaseInitializer}.
 *
 * <p>By default the embedded binaries. With {@code -Dgantry.test.postgres=postgres:16} (the
 * {@code postgres-16} Surefire execution sets it) a Testcontainers container of that image
 * instead, so the same tests run on the server a cluster uses; where no Docker engine exists
 * those runs are skipped ({@link ContainerDatabaseCondition}).
 */
public final class TestDatabase {

    /** The system property naming a Docker image to run the tests on; unset, the embedded binaries. */
    public static final String IMAGE_PROPERTY = "gantry.test.postgres";

    private static final String USER = "postgres";

    private static Server server;
    private static int databases;

    private TestDatabase() {}

    /** Where the shared server runs; what a database URL is made of. */
    private interface Server {
        String jdbcUrl(String database);

        String password();
    }

    private static synchronized Server server() {
        if (server == null) {
            String image = System.getProperty(IMAGE_PROPERTY);
            server = image == null || image.isBlank() ? embedded() : container(image);
            Flyway.configure().dataSource(dataSource()).load().migrate();
        }
        return server;
    }

    private static Server embedded() {
        try {
            Path dir = Files.createTempDirectory("gantry-test-pg");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "300")
                    // fsync off: durability of a throwaway test cluster buys nothing.
                    .setServerConfig("fsync", "off")
                    .start();
            return new Server() {
                @Override
                public String jdbcUrl(String database) {
                    return postgres.getJdbcUrl(USER, database);
                }

                @Override
                public String password() {
                    return null;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private static Server container(String image) {
        PostgreSQLContainer postgres = new PostgreSQLContainer(image)
                .withUsername(USER)
                .withPassword("gantry-test")
                .withDatabaseName("postgres");
        postgres.withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
        postgres.start();
        return new Server() {
            @Override
            public String jdbcUrl(String database) {
                return "jdbc:postgresql://" + postgres.getHost() + ":"
                        + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + database;
            }

            @Override
            public String password() {
                return postgres.getPassword();
            }
        };
    }

    public static String jdbcUrl() {
        return server().jdbcUrl("postgres");
    }

    public static String username() {
        return USER;
    }

    /** Null for the embedded server, which trusts local connections. */
    public static String password() {
        return server().password();
    }

    public static DataSource dataSource() {
        return dataSource("postgres");
    }

    private static DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        Server postgres = server();
        dataSource.setUrl(postgres.jdbcUrl(database));
        dataSource.setUser(USER);
        dataSource.setPassword(postgres.password());
        return dataSource;
    }

    /**
     * A new, empty database on the shared server, so a test (or a Spring context with workers)
     * sees no job of another test. Not migrated: Spring's Flyway does that, or {@link #migrated}.
     */
    public static String newDatabaseUrl() {
        return server().jdbcUrl(newDatabase());
    }

    private static synchronized String newDatabase() {
        String name = "test_" + (++databases);
        try (Connection c = dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    /** A new database with the project's schema, for tests that use plain JDBC. */
    public static DataSource migrated() {
        DataSource dataSource = dataSource(newDatabase());
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }
}
