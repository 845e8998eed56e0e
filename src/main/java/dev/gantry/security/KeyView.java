package dev.gantry.security;

import java.time.Instant;
import java.util.UUID;

/** A key as the API shows it: never its secret or hash. */
public record KeyView(
        UUID id,
        UUID projectId,
        String name,
        String role,
        String prefix,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        Instant revokedAt) {

    static KeyView of(ApiKey key) {
        return new KeyView(
                key.id(),
                key.projectId(),
                key.name(),
                key.role().name().toLowerCase(java.util.Locale.ROOT),
                key.prefix(),
                key.createdAt(),
                key.expiresAt(),
                key.lastUsedAt(),
                key.revokedAt());
    }
}
