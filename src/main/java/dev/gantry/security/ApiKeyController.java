package dev.gantry.security;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A project's keys: its admins and the owner manage them. */
@RestController
@RequestMapping(path = "/api/v1/projects/{projectId}/keys", produces = MediaType.APPLICATION_JSON_VALUE)
class ApiKeyController {

    private final ApiKeyService keys;
    private final ProjectService projects;
    private final Clock clock;

    ApiKeyController(ApiKeyService keys, ProjectService projects, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.projects = projects;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /**
     * @param role {@code viewer}, {@code editor} or {@code admin}; {@code owner} only by an owner
     * @param expiresAt optional; in the future
     */
    record CreateKey(String name, String role, Instant expiresAt) {}

    /** The only answer that carries the secret. */
    record CreatedKey(KeyView key, String secret) {}

    record KeyListResponse(List<KeyView> keys) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Access(role = Role.ADMIN, resource = ResourceType.PROJECT)
    ResponseEntity<CreatedKey> create(@PathVariable UUID projectId, @RequestBody CreateKey request, Caller caller) {
        projects.get(projectId);
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null
                || request.name().isBlank()
                || request.name().length() > 100
                || request.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "must be 1-100 characters without control characters"));
        }
        Role role = null;
        try {
            role = request.role() == null ? null : Role.valueOf(request.role().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (role == null || !request.role().equals(request.role().toLowerCase(Locale.ROOT))) {
            errors.add(new FieldError("role", "must be one of viewer, editor, admin, owner"));
        } else if (role == Role.OWNER && caller.role() != Role.OWNER) {
            errors.add(new FieldError("role", "only an owner key may create owner keys"));
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) {
            errors.add(new FieldError("expiresAt", "must be in the future"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        ApiKeyService.Created created = keys.create(projectId, request.name(), role, request.expiresAt());
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/v1/projects/" + projectId + "/keys/"
                        + created.key().id()))
                .body(new CreatedKey(created.key(), created.secret()));
    }

    @GetMapping
    @Access(role = Role.ADMIN, resource = ResourceType.PROJECT)
    KeyListResponse list(@PathVariable UUID projectId) {
        projects.get(projectId);
        return new KeyListResponse(keys.list(projectId));
    }

    /** Revoked at once, on every server: keys are read from the database on every request. */
    @DeleteMapping("/{keyId}")
    @Access(role = Role.ADMIN, resource = ResourceType.PROJECT)
    KeyView revoke(@PathVariable UUID projectId, @PathVariable UUID keyId) {
        return keys.revoke(projectId, keyId);
    }
}
