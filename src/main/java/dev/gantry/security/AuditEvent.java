package dev.gantry.security;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One mutation through the API: who (key), where (project), what (action, target), and how it ended. */
@Entity
@Table(name = "audit_events")
class AuditEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Instant at;
    private UUID keyId;
    private String keyPrefix;
    private UUID projectId;
    private String action;
    private String target;
    private int status;

    protected AuditEvent() {}

    AuditEvent(Instant at, UUID keyId, String keyPrefix, UUID projectId, String action, String target, int status) {
        this.at = at;
        this.keyId = keyId;
        this.keyPrefix = keyPrefix;
        this.projectId = projectId;
        this.action = action;
        this.target = target;
        this.status = status;
    }

    Long id() {
        return id;
    }

    Instant at() {
        return at;
    }

    UUID keyId() {
        return keyId;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    UUID projectId() {
        return projectId;
    }

    String action() {
        return action;
    }

    String target() {
        return target;
    }

    int status() {
        return status;
    }
}
