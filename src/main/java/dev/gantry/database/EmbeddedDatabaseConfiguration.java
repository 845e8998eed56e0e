package dev.gantry.database;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, Gantry runs a real PostgreSQL from embedded binaries,
 * its data kept under {@code gantry.data-dir}/postgres across restarts. Workers spawned by this
 * server are handed its JDBC URL, so they never start one of their own. It listens on loopback only
 * and asks for a password ({@link EmbeddedPostgresServer}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDatasourceUrlCondition.class)
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgres(
            @Value("${gantry.data-dir}") Path dataDir, EmbeddedPostgresProperties properties) throws IOException {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, properties.port(), 200);
        log.info(
                "Embedded PostgreSQL on localhost:{} (password authentication, password in {}), data in {}",
                server.postgres().getPort(),
                dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE).toAbsolutePath(),
                dataDir.resolve("postgres").toAbsolutePath());
        return server;
    }

    /** Local worker children get the password through their environment, never their command line. */
    @Bean
    DataSource dataSource(EmbeddedPostgresServer postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.jdbcUrl());
        dataSource.setUsername(EmbeddedPostgresServer.USER);
        dataSource.setPassword(postgres.password());
        dataSource.setMaximumPoolSize(10);
        return dataSource;
    }
}
