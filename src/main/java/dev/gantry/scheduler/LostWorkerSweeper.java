package dev.gantry.scheduler;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Forgets workers silent for {@code gantry.scheduler.worker-retention} (default a day): long
 * enough to see that a worker was lost and when, short enough that the list of a server whose
 * local workers were restarted many times does not grow without end.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class LostWorkerSweeper {

    private static final Logger log = LoggerFactory.getLogger(LostWorkerSweeper.class);

    private final WorkerRegistry registry;
    private final Duration retention;

    LostWorkerSweeper(WorkerRegistry registry, @Value("${gantry.scheduler.worker-retention:24h}") Duration retention) {
        this.registry = registry;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "${gantry.scheduler.worker-sweep-interval:1m}")
    void run() {
        try {
            int forgotten = registry.forgetSilentFor(retention);
            if (forgotten > 0) {
                log.info("Forgot {} workers silent for more than {}", forgotten, retention);
            }
        } catch (RuntimeException e) {
            // Next round, then: a database restart must not end the sweeping.
            log.warn("Worker sweep failed: {}", e.toString());
        }
    }
}
