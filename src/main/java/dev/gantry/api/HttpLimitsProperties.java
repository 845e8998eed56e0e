package dev.gantry.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What a slow or stalled client may hold of the server (see {@link SlowClientValve}).
 *
 * @param maxConcurrentBodies requests whose bodies are being read at once; more get {@code 503}
 *     at once, so slow bodies can never hold all of Tomcat's request threads
 * @param minBodyRate a body must arrive at least this fast (bytes per second), measured over
 *     {@code bodyRateWindow} of time spent waiting for the client; slower is a {@code 408}
 * @param bodyRateWindow how long a client may fall below the rate before it is cut off
 */
@ConfigurationProperties("gantry.http")
record HttpLimitsProperties(
        @DefaultValue("100") int maxConcurrentBodies,
        @DefaultValue("1KB") DataSize minBodyRate,
        @DefaultValue("10s") Duration bodyRateWindow) {

    HttpLimitsProperties {
        if (maxConcurrentBodies < 1) {
            throw new IllegalArgumentException("gantry.http.max-concurrent-bodies must be at least 1");
        }
        if (minBodyRate.toBytes() < 1 || bodyRateWindow.toMillis() < 1) {
            throw new IllegalArgumentException("gantry.http.min-body-rate and body-rate-window must be positive");
        }
    }
}
