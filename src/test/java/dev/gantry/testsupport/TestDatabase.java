package dev.gantry.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One real PostgreSQL (embedded binaries) per test JVM, migrated by the project's own Flyway
 * scripts. Spring contexts in tests point at it through {@link TestDatabaseInitializer}.
 */
public final class TestDatabase {

    private static EmbeddedPostgres postgres;

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
                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
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
}
