package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class LimitsPropertiesTest {

    @Test
    void defaults_are_the_documented_ones() {
        LimitsProperties limits = bind(Map.of());

        assertThat(limits.maxQueuedJobs()).isEqualTo(1000);
        assertThat(limits.maxAttempts()).isEqualTo(5);
        assertThat(limits.defaultMaxRuntime()).isEqualTo(Duration.ofHours(24));
        assertThat(limits.maxRuntime()).isEqualTo(Duration.ofDays(7));
        assertThat(limits.maxRequestBytes()).isEqualTo(DataSize.ofBytes(1 << 20));
    }

    @Test
    void a_default_runtime_above_the_maximum_fails_at_start_up() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new LimitsProperties(10, 5, Duration.ofDays(8), Duration.ofDays(7), DataSize.ofMegabytes(1)))
                .withMessageContaining("default-max-runtime");
        assertThat(catchThrowable(() ->
                        bind(Map.of("gantry.limits.max-runtime", "1h", "gantry.limits.default-max-runtime", "2h"))))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage(
                        "gantry.limits.default-max-runtime must be between 1s and gantry.limits.max-runtime");
    }

    @Test
    void zero_attempts_is_refused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new LimitsProperties(10, 0, Duration.ofHours(1), Duration.ofHours(1), DataSize.ofMegabytes(1)))
                .withMessageContaining("max-attempts");
    }

    private static LimitsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("gantry.limits", LimitsProperties.class);
    }
}
