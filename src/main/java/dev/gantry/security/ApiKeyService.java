package dev.gantry.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, listing, revoking and checking keys.
 *
 * <p>No cache: every request reads its key's row (one lookup on a unique index), so a revoke or an
 * expiry takes effect on the next request on every server at once. The only write a request may
 * cause is the last-used time, and at most once per {@code last-used-interval} per key.
 */
@Service
public class ApiKeyService {

    private final ApiKeyRepository keys;
    private final Clock clock;
    private final SecurityProperties settings;

    ApiKeyService(ApiKeyRepository keys, ObjectProvider<Clock> clock, SecurityProperties settings) {
        this.keys = keys;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.settings = settings;
    }

    /** A new key and its secret, which exists nowhere else once this returns. */
    public record Created(KeyView key, String secret) {}

    @Transactional
    public Created create(UUID projectId, String name, Role role, Instant expiresAt) {
        String secret = KeySecrets.generate();
        ApiKey key = keys.save(store(projectId, name, role, secret, expiresAt));
        return new Created(KeyView.of(key), secret);
    }

    /** Stores a key whose secret the operator chose (the bootstrap key). */
    @Transactional
    KeyView createWithSecret(UUID projectId, String name, Role role, String secret) {
        return KeyView.of(keys.save(store(projectId, name, role, secret, null)));
    }

    private ApiKey store(UUID projectId, String name, Role role, String secret, Instant expiresAt) {
        return new ApiKey(
                UUID.randomUUID(),
                projectId,
                name,
                role,
                KeySecrets.prefix(secret),
                KeySecrets.sha256(secret),
                clock.instant(),
                expiresAt);
    }

    @Transactional(readOnly = true)
    public List<KeyView> list(UUID projectId) {
        return keys.findAllByProjectIdOrderByCreatedAtDescIdDesc(projectId).stream()
                .map(KeyView::of)
                .toList();
    }

    /** Revoking twice is fine; the first time stays recorded. */
    @Transactional
    public KeyView revoke(UUID projectId, UUID keyId) {
        ApiKey key = keys.findByIdAndProjectId(keyId, projectId).orElseThrow(() -> new KeyNotFoundException(keyId));
        key.revoke(clock.instant());
        return KeyView.of(key);
    }

    @Transactional(readOnly = true)
    boolean exists(String secret) {
        return keys.findBySecretSha256(KeySecrets.sha256(secret)).isPresent();
    }

    @Transactional(readOnly = true)
    boolean any() {
        return keys.count() > 0;
    }

    /**
     * The caller a secret stands for, if it is a key that is neither revoked nor expired.
     *
     * <p>The key is found by the SHA-256 of what was sent, so there is no separate id to probe and
     * no secret compared byte by byte in Java: an unknown key and a wrong secret are the same miss.
     * What an index lookup's timing could reveal is how close a guess's hash is to a stored hash,
     * which says nothing about the secret behind it.
     */
    @Transactional
    public Optional<Caller> authenticate(String secret) {
        if (!KeySecrets.wellFormed(secret)) {
            return Optional.empty();
        }
        Optional<ApiKey> found = keys.findBySecretSha256(KeySecrets.sha256(secret));
        Instant now = clock.instant();
        if (found.isEmpty() || !found.get().usableAt(now)) {
            return Optional.empty();
        }
        ApiKey key = found.get();
        Instant staleBefore = now.minus(settings.lastUsedInterval());
        if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(staleBefore)) {
            keys.touch(key.id(), now, staleBefore);
        }
        return Optional.of(new Caller(key.id(), key.prefix(), key.projectId(), key.role()));
    }
}
