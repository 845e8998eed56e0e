package dev.gantry.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.scheduler.WorkerRegistry.WorkerIdentity;
import dev.gantry.testsupport.SettableClock;
import dev.gantry.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The worker registry on a real PostgreSQL, its time stepped by hand. */
class WorkerRegistryTest {

    static final Duration LEASE = Duration.ofSeconds(30);

    final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T10:00:00Z"));
    JdbcClient jdbc;
    WorkerRegistry registry;

    @BeforeEach
    void database() {
        jdbc = JdbcClient.create(TestDatabase.migrated());
        registry = new WorkerRegistry(jdbc, LEASE, clock);
    }

    @Test
    void a_registered_worker_is_listed_idle_with_what_it_said_about_itself() {
        registry.register(new WorkerIdentity("node-7-4242-ab12cd34", "node-7", 4242, "gpu:1", "0.1.0"));

        assertThat(registry.list()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("node-7-4242-ab12cd34");
            assertThat(w.host()).isEqualTo("node-7");
            assertThat(w.pid()).isEqualTo(4242);
            assertThat(w.device()).isEqualTo("gpu:1");
            assertThat(w.version()).isEqualTo("0.1.0");
            assertThat(w.state()).isEqualTo(WorkerState.IDLE);
            assertThat(w.currentJob()).isNull();
            assertThat(w.startedAt()).isEqualTo(clock.instant());
            assertThat(w.heartbeatAge()).isZero();
        });
    }

    @Test
    void heartbeats_carry_the_state_and_job_and_keep_the_worker_from_being_lost() {
        UUID job = UUID.randomUUID();
        registry.register(identity("w1"));

        clock.advance(Duration.ofSeconds(20));
        assertThat(registry.heartbeat("w1", WorkerState.BUSY, job)).isTrue();
        clock.advance(Duration.ofSeconds(20));

        RegisteredWorker w = registry.list().get(0);
        assertThat(w.state()).isEqualTo(WorkerState.BUSY);
        assertThat(w.currentJob()).isEqualTo(job);
        assertThat(w.heartbeatAge()).isEqualTo(Duration.ofSeconds(20));
        assertThat(w.startedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    }

    @Test
    void a_worker_silent_for_longer_than_a_lease_is_lost_and_one_silent_exactly_a_lease_is_not() {
        registry.register(identity("w1"));
        registry.heartbeat("w1", WorkerState.BUSY, UUID.randomUUID());

        clock.advance(LEASE);
        assertThat(registry.list().get(0).state()).isEqualTo(WorkerState.BUSY);
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.list().get(0).state()).isEqualTo(WorkerState.LOST);

        // It comes back (a partition healed): its next heartbeat makes it live again.
        assertThat(registry.heartbeat("w1", WorkerState.IDLE, null)).isTrue();
        assertThat(registry.list().get(0).state()).isEqualTo(WorkerState.IDLE);
    }

    @Test
    void lost_is_never_stored_and_a_heartbeat_cannot_claim_it() {
        registry.register(identity("w1"));

        assertThatThrownBy(() -> registry.heartbeat("w1", WorkerState.LOST, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jdbc.sql("UPDATE workers SET state = 'LOST'").update())
                .hasMessageContaining("workers_state_check");
    }

    @Test
    void a_clean_stop_removes_the_worker_and_a_heartbeat_after_that_asks_to_register_again() {
        registry.register(identity("w1"));
        registry.register(identity("w2"));

        registry.deregister("w1");

        assertThat(registry.list()).extracting(RegisteredWorker::id).containsExactly("w2");
        assertThat(registry.heartbeat("w1", WorkerState.IDLE, null)).isFalse();
    }

    @Test
    void registering_again_under_the_same_id_resets_state_and_job_but_keeps_the_start() {
        registry.register(identity("w1"));
        registry.heartbeat("w1", WorkerState.DRAINING, UUID.randomUUID());
        clock.advance(Duration.ofMinutes(5));

        registry.register(identity("w1"));

        RegisteredWorker w = registry.list().get(0);
        assertThat(w.state()).isEqualTo(WorkerState.IDLE);
        assertThat(w.currentJob()).isNull();
        assertThat(w.startedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(w.heartbeatAge()).isZero();
    }

    @Test
    void workers_silent_past_the_retention_are_forgotten_and_the_rest_kept() {
        registry.register(identity("old"));
        clock.advance(Duration.ofHours(23));
        registry.register(identity("recent"));
        clock.advance(Duration.ofHours(2));

        assertThat(registry.forgetSilentFor(Duration.ofHours(24))).isEqualTo(1);

        List<RegisteredWorker> left = registry.list();
        assertThat(left).extracting(RegisteredWorker::id).containsExactly("recent");
        assertThat(left.get(0).state()).isEqualTo(WorkerState.LOST);
    }

    @Test
    void the_list_is_in_start_order() {
        registry.register(identity("b"));
        clock.advance(Duration.ofSeconds(1));
        registry.register(identity("a"));

        assertThat(registry.list()).extracting(RegisteredWorker::id).containsExactly("b", "a");
    }

    private static WorkerIdentity identity(String id) {
        return new WorkerIdentity(id, "host", 1, "cpu", "test");
    }
}
