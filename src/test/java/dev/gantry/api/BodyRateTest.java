package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slow-but-progressing against stalled, on a clock stepped by hand. */
class BodyRateTest {

    private final AtomicLong nanos = new AtomicLong();
    // 1000 bytes/s over windows of 10 s of waiting.
    private final BodyRate rate = new BodyRate(1000, TimeUnit.SECONDS.toNanos(10), nanos::get);

    @Test
    void a_byte_every_two_seconds_is_cut_off_after_one_window() throws Exception {
        for (int i = 0; i < 4; i++) {
            read(2, 1);
        }
        assertThatThrownBy(() -> read(2, 1))
                .isInstanceOf(BodyRate.TooSlowException.class)
                .hasMessageContaining("5 bytes in 10.0 s");
    }

    @Test
    void a_slow_but_steady_body_passes_window_after_window() {
        assertThatCode(() -> {
                    for (int i = 0; i < 1000; i++) {
                        read(1, 1000); // exactly the minimum, for 1000 s
                    }
                })
                .doesNotThrowAnyException();
    }

    @Test
    void time_the_server_spends_between_reads_is_not_the_clients() {
        assertThatCode(() -> {
                    for (int i = 0; i < 100; i++) {
                        long start = nanos.get();
                        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
                        rate.read(start, 100);
                        // The handler writes to disk or waits on the database for a minute.
                        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
                    }
                })
                .doesNotThrowAnyException();
    }

    @Test
    void a_burst_does_not_excuse_a_stall_in_a_later_window() throws Exception {
        read(1, 1_000_000);
        read(9, 0);
        // A new window: the megabyte of the first does not carry over.
        for (int i = 0; i < 9; i++) {
            read(1, 10);
        }
        assertThatThrownBy(() -> read(1, 10)).isInstanceOf(BodyRate.TooSlowException.class);
    }

    private void read(int seconds, int bytes) throws BodyRate.TooSlowException {
        long start = nanos.get();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        rate.read(start, bytes);
    }
}
