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

/**
 * One real PostgreSQL (embedded binaries) per test JVM, migrated by the project's own Flyway
 * scripts. Spring contexts in tests point at it through {@link TestDatabaseInitializer}.
 */
public final class TestDatabase {

    private static EmbeddedPostgres postgres;
    private static int databases;

    private TestDatabase() {}

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                Path dir = Files.createTempDirectory("gantry-test-pg");
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(true)
                        .setServerConfig("max_connections", "300")
                        // fsync off: durability of a throwaway test cluster buys nothing.
                        .setServerConfig("fsync", "off")
                        .start();
                Flyway.configure()
                        .dataSource(postgres.getPostgresDatabase())
                        .load()
                        .migrate();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    public static String jdbcUrl() {
        return postgres().getJdbcUrl("postgres", "postgres");
    }

    public static DataSource dataSource() {
        return postgres().getPostgresDatabase();
    }

    /**
     * A new, empty database on the shared server, so a test (or a Spring context with workers)
     * sees no job of another test. Not migrated: Spring's Flyway does that, or {@link #migrated}.
     */
    public static synchronized String newDatabaseUrl() {
        String name = "test_" + (++databases);
        try (Connection c = dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres().getJdbcUrl("postgres", name);
    }

    /** A new database with the project's schema, for tests that use plain JDBC. */
    public static DataSource migrated() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(newDatabaseUrl());
        dataSource.setUser("postgres");
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }
}
