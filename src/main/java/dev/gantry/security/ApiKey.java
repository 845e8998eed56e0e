package dev.gantry.security;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** A key as stored: never the secret, only its SHA-256 and the prefix shown in lists. */
@Entity
@Table(name = "api_keys")
class ApiKey {

    @Id
    private UUID id;

    private UUID projectId;
    private String name;

    @Enumerated(EnumType.STRING)
    private Role role;

    private String prefix;
    private String secretSha256;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant lastUsedAt;
    private Instant revokedAt;

    protected ApiKey() {}

    ApiKey(
            UUID id,
            UUID projectId,
            String name,
            Role role,
            String prefix,
            String secretSha256,
            Instant createdAt,
            Instant expiresAt) {
        this.id = id;
        this.projectId = projectId;
        this.name = name;
        this.role = role;
        this.prefix = prefix;
        this.secretSha256 = secretSha256;
        this.createdAt = createdAt;
        // PostgreSQL keeps microseconds and rounds the rest, which could move an expiry later.
        this.expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** Usable at {@code now}: not revoked and not past its expiry (an expiry is exclusive). */
    boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    UUID id() {
        return id;
    }

    UUID projectId() {
        return projectId;
    }

    String name() {
        return name;
    }

    Role role() {
        return role;
    }

    String prefix() {
        return prefix;
    }

    String secretSha256() {
        return secretSha256;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }

    Instant revokedAt() {
        return revokedAt;
    }
}
