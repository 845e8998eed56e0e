package dev.gantry.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes audit entries older than {@code gantry.security.audit-retention} (default a year) every
 * {@code gantry.security.audit-prune-interval} (default an hour), so the trail of a busy service
 * does not grow without end.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class AuditPruner {

    private static final Logger log = LoggerFactory.getLogger(AuditPruner.class);

    private final AuditLog audit;
    private final SecurityProperties properties;

    AuditPruner(AuditLog audit, SecurityProperties properties) {
        this.audit = audit;
        this.properties = properties;
    }

    @Scheduled(
            initialDelayString = "${gantry.security.audit-prune-interval:1h}",
            fixedDelayString = "${gantry.security.audit-prune-interval:1h}")
    void run() {
        try {
            int pruned = audit.prune(properties.auditRetention());
            if (pruned > 0) {
                log.info("Pruned {} audit entries older than {}", pruned, properties.auditRetention());
            }
        } catch (RuntimeException e) {
            // Next round, then: a database restart must not end the pruning.
            log.warn("Audit pruning failed: {}", e.toString());
        }
    }
}
