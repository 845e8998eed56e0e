package dev.gantry.security;

import java.util.UUID;

/**
 * Who is calling: the key (absent in local-only mode), its project and its role there. Handlers
 * take it as a parameter; services receive its project id.
 */
public record Caller(UUID keyId, String keyPrefix, UUID projectId, Role role) {

    public boolean may(Role needed) {
        return role.includes(needed);
    }
}
