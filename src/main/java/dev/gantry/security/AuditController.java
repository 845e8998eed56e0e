package dev.gantry.security;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AuditController {

    static final int MAX_PAGE_SIZE = 500;

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    record AuditResponse(List<AuditLog.Entry> events, Long nextBeforeId) {}

    /**
     * The caller's project's trail, newest first; an owner may name another project.
     *
     * @param beforeId the {@code nextBeforeId} of the previous page
     */
    @GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    @Access(role = Role.ADMIN)
    AuditResponse list(
            Caller caller,
            @RequestParam(required = false) UUID projectId,
            @RequestParam(required = false) Long beforeId,
            @RequestParam(defaultValue = "100") int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidRequestException(
                    List.of(new FieldError("pageSize", "must be between 1 and " + MAX_PAGE_SIZE)));
        }
        UUID project = caller.projectId();
        if (projectId != null && !projectId.equals(project)) {
            if (caller.role() != Role.OWNER) {
                throw new ProjectNotFoundException(projectId);
            }
            project = projectId;
        }
        List<AuditLog.Entry> page = audit.list(project, beforeId == null ? Long.MAX_VALUE : beforeId, pageSize);
        return new AuditResponse(
                page, page.size() == pageSize ? page.get(page.size() - 1).id() : null);
    }
}
