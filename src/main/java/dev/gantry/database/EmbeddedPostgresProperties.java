package dev.gantry.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code port} 0 picks a free port at each start; the data directory keeps the data either way. */
@ConfigurationProperties("gantry.embedded-postgres")
record EmbeddedPostgresProperties(@DefaultValue("0") int port) {}
