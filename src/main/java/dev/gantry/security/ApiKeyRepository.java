package dev.gantry.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ApiKeyRepository extends JpaRepository<ApiKey, UUID> {

    Optional<ApiKey> findBySecretSha256(String secretSha256);

    List<ApiKey> findAllByProjectIdOrderByCreatedAtDescIdDesc(UUID projectId);

    Optional<ApiKey> findByIdAndProjectId(UUID id, UUID projectId);

    /**
     * Conditional, so servers racing on the same key write once per interval between them; the
     * caller only calls it when the value it read is already stale.
     */
    @Modifying
    @Query("update ApiKey k set k.lastUsedAt = :now where k.id = :id"
            + " and (k.lastUsedAt is null or k.lastUsedAt < :staleBefore)")
    int touch(@Param("id") UUID id, @Param("now") Instant now, @Param("staleBefore") Instant staleBefore);
}
