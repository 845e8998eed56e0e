package dev.gantry.dataset;

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

interface DatasetRepository extends JpaRepository<Dataset, UUID> {

    List<Dataset> findAllByProjectIdOrderByCreatedAtDescIdDesc(UUID projectId);

    /** {@code FOR SHARE}: a job being submitted keeps the row from being deleted until it commits. */
    @Lock(LockModeType.PESSIMISTIC_READ)
    @Query("select d from Dataset d where d.id = :id")
    Optional<Dataset> findForShare(@Param("id") UUID id);

    /** {@code FOR UPDATE}: a delete waits for every submit holding the row, then sees their jobs. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select d from Dataset d where d.id = :id")
    Optional<Dataset> findForUpdate(@Param("id") UUID id);

    /** Progress while receiving; conditional on the row still being ours and processing. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update Dataset d set d.bytesReceived = :bytes, d.heartbeatAt = :now, d.updatedAt = :now
             where d.id = :id and d.state = dev.gantry.dataset.DatasetState.PROCESSING and d.owner = :owner
            """)
    int reportReceived(
            @Param("id") UUID id, @Param("owner") String owner, @Param("bytes") long bytes, @Param("now") Instant now);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update Dataset d set d.itemsProcessed = :processed, d.itemsTotal = :total, d.heartbeatAt = :now,
                   d.updatedAt = :now
             where d.id = :id and d.state = dev.gantry.dataset.DatasetState.PROCESSING and d.owner = :owner
            """)
    int reportDecoded(
            @Param("id") UUID id,
            @Param("owner") String owner,
            @Param("processed") int processed,
            @Param("total") Integer total,
            @Param("now") Instant now);

    @Query("select d.id from Dataset d where d.state = dev.gantry.dataset.DatasetState.PROCESSING"
            + " and (d.heartbeatAt is null or d.heartbeatAt < :before)")
    List<UUID> findStale(@Param("before") Instant before);

    /** The heartbeat of every row this process works on. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("""
            update Dataset d set d.heartbeatAt = :now
             where d.owner = :owner and d.state = dev.gantry.dataset.DatasetState.PROCESSING
            """)
    int heartbeat(@Param("owner") String owner, @Param("now") Instant now);

    @Query("select d.id, d.owner from Dataset d where d.state = dev.gantry.dataset.DatasetState.PROCESSING")
    List<Object[]> findProcessingOwners();
}
