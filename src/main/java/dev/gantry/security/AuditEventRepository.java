package dev.gantry.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface AuditEventRepository extends JpaRepository<AuditEvent, Long> {

    List<AuditEvent> findByProjectIdAndIdLessThanOrderByIdDesc(UUID projectId, long beforeId, Limit limit);

    @Modifying
    @Query("delete from AuditEvent e where e.at < :cutoff")
    int deleteOlderThan(@Param("cutoff") Instant cutoff);
}
