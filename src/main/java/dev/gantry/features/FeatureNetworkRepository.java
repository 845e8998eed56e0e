package dev.gantry.features;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface FeatureNetworkRepository extends JpaRepository<FeatureNetworkEntry, UUID> {

    List<FeatureNetworkEntry> findAllByProjectIdOrderByCreatedAtDescIdDesc(UUID projectId);

    /** {@code FOR SHARE}: a job being submitted keeps the row from being deleted until it commits. */
    @Lock(LockModeType.PESSIMISTIC_READ)
    @Query("select n from FeatureNetworkEntry n where n.id = :id")
    Optional<FeatureNetworkEntry> findForShare(@Param("id") UUID id);

    /** {@code FOR UPDATE}: a delete waits for every submit holding the row, then sees their jobs. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select n from FeatureNetworkEntry n where n.id = :id")
    Optional<FeatureNetworkEntry> findForUpdate(@Param("id") UUID id);

    /** The heartbeat of a row this server validates; 0 when it is no longer ours (deleted, taken over, done). */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update FeatureNetworkEntry n set n.heartbeatAt = :now
             where n.id = :id and n.owner = :owner
               and n.state = dev.gantry.features.FeatureNetworkState.PROCESSING
            """)
    int heartbeat(@Param("id") UUID id, @Param("owner") String owner, @Param("now") Instant now);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update FeatureNetworkEntry n set n.heartbeatAt = :now
             where n.owner = :owner and n.state = dev.gantry.features.FeatureNetworkState.PROCESSING
            """)
    int heartbeatOwned(@Param("owner") String owner, @Param("now") Instant now);

    /** Takes over a row whose server stopped validating it; 1 when this server won it. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update FeatureNetworkEntry n set n.owner = :owner, n.heartbeatAt = :now, n.updatedAt = :now
             where n.id = :id and n.state = dev.gantry.features.FeatureNetworkState.PROCESSING
               and (n.heartbeatAt is null or n.heartbeatAt < :before)
            """)
    int takeOver(
            @Param("id") UUID id,
            @Param("owner") String owner,
            @Param("before") Instant before,
            @Param("now") Instant now);

    @Query("select n.id from FeatureNetworkEntry n where n.state = dev.gantry.features.FeatureNetworkState.PROCESSING"
            + " and (n.heartbeatAt is null or n.heartbeatAt < :before)")
    List<UUID> findStale(@Param("before") Instant before);
}
