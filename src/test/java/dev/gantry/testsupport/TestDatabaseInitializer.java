package dev.gantry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points a test's Spring context at a database of its own on the shared test PostgreSQL, and a fresh data folder. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        try {
            TestPropertyValues.of(
                            "spring.datasource.url=" + TestDatabase.newDatabaseUrl(),
                            "spring.datasource.username=" + TestDatabase.username(),
                            "spring.datasource.password=" + nullToEmpty(TestDatabase.password()),
                            "gantry.data-dir=" + Files.createTempDirectory("gantry-test-data"))
                    .applyTo(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
