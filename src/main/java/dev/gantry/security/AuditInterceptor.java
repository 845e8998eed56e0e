package dev.gantry.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Records every mutating API request (submit, cancel, resume, upload, delete, generate, key and
 * project changes), allowed or refused, once the answer is known. Central, so a new mutating
 * endpoint is audited without anyone remembering to.
 *
 * <p>Written after the handler's transaction, so a crash between the two loses an entry; the
 * alternative, writing inside every service transaction, would put the audit into every package.
 */
class AuditInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AuditInterceptor.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final AuditLog audit;

    AuditInterceptor(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (READS.contains(request.getMethod()) || !ProjectAccessInterceptor.isApi(request)) {
            return;
        }
        Caller caller = Callers.current();
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> variables =
                    (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            String pattern = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            UUID project = caller == null ? null : caller.projectId();
            String projectVariable = variables == null ? null : variables.get("projectId");
            if (projectVariable != null && response.getStatus() < 400) {
                // A key created or revoked in another project (by an owner) belongs to that project's trail.
                project = UUID.fromString(projectVariable);
            }
            int status = ex != null && response.getStatus() < 400 ? 500 : response.getStatus();
            audit.record(caller, project, request.getMethod() + " " + pattern, target(variables, response), status);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not record {} {} in the audit log: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    e.toString());
        }
    }

    /** The ids in the path, or the new resource's location for a create. */
    private static String target(Map<String, String> variables, HttpServletResponse response) {
        if (variables != null && !variables.isEmpty()) {
            StringBuilder out = new StringBuilder();
            variables.forEach((name, value) -> {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(name).append('=').append(value.length() <= 100 ? value : value.substring(0, 100));
            });
            return out.toString();
        }
        return response.getHeader(HttpHeaders.LOCATION);
    }
}
