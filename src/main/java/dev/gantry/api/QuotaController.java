package dev.gantry.api;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.quota.ProjectQuotas;
import dev.gantry.security.Access;
import dev.gantry.security.ProjectNotFoundException;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A project's quotas and what it uses of them. Anyone in the project may read them (a client that
 * knows its room need not learn it from a 429); only an owner sets them: a quota bounds one
 * tenant's share for the sake of the others, so the tenant's own admin cannot be the one to raise it.
 */
@RestController
@RequestMapping(path = "/api/v1/projects/{projectId}/quotas", produces = MediaType.APPLICATION_JSON_VALUE)
class QuotaController {

    private final ProjectQuotas quotas;

    QuotaController(ProjectQuotas quotas) {
        this.quotas = quotas;
    }

    /**
     * @param limit what the project may use: its own value, or the server's default
     * @param used what it uses now
     * @param serverDefault whether the limit is the server's default (the project has none of its own)
     */
    record QuotaView(long limit, long used, boolean serverDefault) {}

    record QuotasResponse(UUID projectId, QuotaView queuedJobs, QuotaView runningJobs, QuotaView storedBytes) {}

    /** Every quota at once, as PUT replaces a resource: a field left out or null goes back to the server's default. */
    record QuotasUpdate(Integer queuedJobs, Integer runningJobs, Long storedBytes) {}

    @Access(role = Role.VIEWER, resource = ResourceType.PROJECT)
    @GetMapping
    QuotasResponse get(@PathVariable UUID projectId) {
        return view(projectId);
    }

    @Access(role = Role.OWNER, resource = ResourceType.PROJECT)
    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    QuotasResponse set(@PathVariable UUID projectId, @RequestBody QuotasUpdate update) {
        List<FieldError> errors = new ArrayList<>();
        requireNotNegative(errors, "queuedJobs", update.queuedJobs());
        requireNotNegative(errors, "runningJobs", update.runningJobs());
        requireNotNegative(errors, "storedBytes", update.storedBytes());
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        if (!quotas.set(
                projectId,
                new ProjectQuotas.Settings(update.queuedJobs(), update.runningJobs(), update.storedBytes()))) {
            throw new ProjectNotFoundException(projectId);
        }
        return view(projectId);
    }

    private static void requireNotNegative(List<FieldError> errors, String field, Number value) {
        if (value != null && value.longValue() < 0) {
            errors.add(new FieldError(field, "must be 0 or more, or null for the server's default"));
        }
    }

    private QuotasResponse view(UUID projectId) {
        ProjectQuotas.Settings own =
                quotas.settings(projectId).orElseThrow(() -> new ProjectNotFoundException(projectId));
        ProjectQuotas.Limits limits = quotas.limits(own);
        ProjectQuotas.Usage usage = quotas.usage(projectId);
        return new QuotasResponse(
                projectId,
                new QuotaView(limits.queuedJobs(), usage.queuedJobs(), own.queuedJobs() == null),
                new QuotaView(limits.runningJobs(), usage.runningJobs(), own.runningJobs() == null),
                new QuotaView(limits.storedBytes(), usage.storedBytes(), own.storedBytes() == null));
    }
}
