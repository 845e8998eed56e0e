package dev.gantry.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit trail. It holds ids, key prefixes, routes and statuses only: no request bodies, no
 * headers, so no secret can reach it (a created key's secret is in the response, never here).
 */
@Service
public class AuditLog {

    private final AuditEventRepository events;
    private final Clock clock;

    AuditLog(AuditEventRepository events, ObjectProvider<Clock> clock) {
        this.events = events;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** An entry as the API shows it. */
    public record Entry(
            long id,
            Instant at,
            UUID keyId,
            String keyPrefix,
            UUID projectId,
            String action,
            String target,
            int status) {}

    @Transactional
    void record(Caller caller, UUID projectId, String action, String target, int status) {
        events.save(new AuditEvent(
                clock.instant(),
                caller == null ? null : caller.keyId(),
                caller == null ? null : caller.keyPrefix(),
                projectId,
                action,
                target,
                status));
    }

    /** Deletes the entries older than {@code retention} by the clock that stamped them; returns how many. */
    @Transactional
    public int prune(Duration retention) {
        return events.deleteOlderThan(clock.instant().minus(retention));
    }

    @Transactional(readOnly = true)
    List<Entry> list(UUID projectId, long beforeId, int limit) {
        return events.findByProjectIdAndIdLessThanOrderByIdDesc(projectId, beforeId, Limit.of(limit)).stream()
                .map(e -> new Entry(
                        e.id(), e.at(), e.keyId(), e.keyPrefix(), e.projectId(), e.action(), e.target(), e.status()))
                .toList();
    }
}
