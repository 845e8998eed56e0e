package dev.gantry.api;

import dev.gantry.events.EventStreams;
import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events: a job's, or the caller's project's. The handler only opens the stream;
 * replay and live events are written by {@link EventStreams}' own threads.
 */
@RestController
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class EventStreamController {

    private final EventStreams streams;

    EventStreamController(EventStreams streams) {
        this.streams = streams;
    }

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping(path = "/api/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter job(
            @PathVariable UUID id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            Caller caller) {
        return streams.open(client(caller), caller.projectId(), id, position(lastEventId));
    }

    @Access(role = Role.VIEWER)
    @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter project(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId, Caller caller) {
        return streams.open(client(caller), caller.projectId(), null, position(lastEventId));
    }

    /** The per-key limit counts keys; in local-only mode, without keys, every caller is one client. */
    private static String client(Caller caller) {
        return caller.keyId() == null ? "local" : caller.keyId().toString();
    }

    private static Long position(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            long position = Long.parseLong(lastEventId.strip());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // Answered below, as a negative number is.
        }
        throw new InvalidRequestException(List.of(
                new FieldError("Last-Event-ID", "must be the id of an event this API sent (a whole number from 0)")));
    }
}
