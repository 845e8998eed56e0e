package dev.gantry.api;

import dev.gantry.scheduler.RegisteredWorker;
import dev.gantry.scheduler.WorkerRegistry;
import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.Role;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The worker registry: every worker process, local or remote, and whether it still heartbeats. */
@RestController
class WorkerController {

    private final WorkerRegistry registry;

    WorkerController(WorkerRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param state {@code IDLE}, {@code BUSY}, {@code DRAINING}, or {@code LOST} when silent for
     *     longer than {@code gantry.scheduler.lease-duration}
     * @param heartbeatAgeSeconds since the last heartbeat
     */
    record WorkerResponse(
            String id,
            String host,
            long pid,
            String device,
            String version,
            String state,
            UUID currentJob,
            Instant startedAt,
            Instant lastHeartbeatAt,
            double heartbeatAgeSeconds) {

        static WorkerResponse of(RegisteredWorker w) {
            return new WorkerResponse(
                    w.id(),
                    w.host(),
                    w.pid(),
                    w.device(),
                    w.version(),
                    w.state().name(),
                    w.currentJob(),
                    w.startedAt(),
                    w.lastHeartbeatAt(),
                    w.heartbeatAge().toMillis() / 1000.0);
        }
    }

    @Access(role = Role.VIEWER)
    @GetMapping(path = "/api/v1/workers", produces = MediaType.APPLICATION_JSON_VALUE)
    List<WorkerResponse> list(Caller caller) {
        return registry.list(caller.projectId()).stream()
                .map(WorkerResponse::of)
                .toList();
    }
}
