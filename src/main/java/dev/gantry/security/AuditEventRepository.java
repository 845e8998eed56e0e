package dev.gantry.security;

import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface AuditEventRepository extends JpaRepository<AuditEvent, Long> {

    List<AuditEvent> findByProjectIdAndIdLessThanOrderByIdDesc(UUID projectId, long beforeId, Limit limit);
}
