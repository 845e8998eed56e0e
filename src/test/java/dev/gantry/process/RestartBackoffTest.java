package dev.gantry.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    /** A clock moved by hand. */
    static final class SettableClock implements InstantSource {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final SettableClock clock = new SettableClock();
    final RestartBackoff backoff = new RestartBackoff(clock);

    private Duration diesAfter(Duration lived) {
        backoff.started();
        clock.advance(lived);
        return backoff.exited();
    }

    @Test
    void a_child_that_keeps_dying_at_once_waits_twice_as_long_each_time_up_to_30_s() {
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(1));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(2));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(4));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(8));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(16));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(30));
        assertThat(diesAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_child_that_ran_for_over_a_minute_is_restarted_after_one_second() {
        diesAfter(Duration.ofSeconds(1));
        diesAfter(Duration.ofSeconds(1));
        assertThat(diesAfter(Duration.ofSeconds(59))).isEqualTo(Duration.ofSeconds(4));
        assertThat(diesAfter(Duration.ofSeconds(61))).isEqualTo(Duration.ofSeconds(1));
        assertThat(diesAfter(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void a_child_that_could_not_start_keeps_backing_off() {
        assertThat(backoff.exited()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofMinutes(5));
        // No start was recorded: five minutes of failing to start are not a healthy run.
        assertThat(backoff.exited()).isEqualTo(Duration.ofSeconds(2));
    }
}
