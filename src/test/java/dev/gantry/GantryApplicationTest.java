package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@GantryIntegrationTest
class GantryApplicationTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void starts_on_postgres_with_the_schema_migrated() {
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SHOW server_version").query(String.class).single()).startsWith("14.");
    }
}
