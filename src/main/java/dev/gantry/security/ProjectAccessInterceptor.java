package dev.gantry.security;

import dev.gantry.dataset.DatasetNotFoundException;
import dev.gantry.features.FeatureNetworkNotFoundException;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.sweep.SweepNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Applies each API handler's {@link Access} rule before the handler (and before its body is read):
 *
 * <ol>
 *   <li>an id in the path that names another project's resource is answered exactly as an id
 *       that names nothing, with the resource's not-found problem, so ids don't leak;
 *   <li>then the role: 403 for a role that may not.
 * </ol>
 *
 * A handler under {@code /api/} without a rule is refused: a new endpoint is closed until someone
 * writes its rule.
 */
class ProjectAccessInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ProjectAccessInterceptor.class);
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final ResourceOwnership ownership;

    ProjectAccessInterceptor(ResourceOwnership ownership) {
        this.ownership = ownership;
    }

    static boolean isApi(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern instanceof String p && p.startsWith("/api/");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || !isApi(request)) {
            return true;
        }
        Access rule = method.getMethodAnnotation(Access.class);
        if (rule == null) {
            log.error("{} has no @Access rule; refusing every request to it", method.getShortLogMessage());
            throw new MissingAccessRuleException();
        }
        Caller caller = Callers.current();
        if (caller == null) {
            // The filter chain lets no /api/ request through without one; never fail open.
            throw new MissingAccessRuleException();
        }
        @SuppressWarnings("unchecked")
        Map<String, String> variables =
                (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (variables == null) {
            variables = Map.of();
        }
        switch (rule.resource()) {
            case JOB -> {
                requireOwn(caller, ResourceType.JOB, variables.get("id"));
                requireOwn(caller, ResourceType.JOB, variables.get("otherId"));
            }
            case DATASET, FEATURE_NETWORK, SWEEP -> requireOwn(caller, rule.resource(), variables.get("id"));
            case PROJECT -> requireProject(caller, variables.get("projectId"));
            case NONE -> {}
        }
        if (!caller.may(rule.role())) {
            throw new ForbiddenException(rule.role(), caller.role());
        }
        return true;
    }

    /**
     * An id that names nothing and an id of another project get the same 404, here, before any
     * parameter is bound: were a missing id left to the handler, a request with a bad parameter
     * would tell the two apart (400 for nothing, 404 for another project's). An id that is not a
     * uuid (a built-in dataset's name, or garbage) is the handler's to judge, alike for everyone.
     */
    private void requireOwn(Caller caller, ResourceType type, String id) {
        if (id == null || !CANONICAL_UUID.matcher(id).matches()) {
            return;
        }
        Optional<UUID> project = ownership.projectOf(type, UUID.fromString(id));
        if (project.isEmpty() || !project.get().equals(caller.projectId())) {
            throw switch (type) {
                case JOB -> new JobNotFoundException(UUID.fromString(id));
                case DATASET -> new DatasetNotFoundException(id);
                case FEATURE_NETWORK -> new FeatureNetworkNotFoundException(id);
                case SWEEP -> new SweepNotFoundException(UUID.fromString(id));
                default -> new IllegalStateException(type.name());
            };
        }
    }

    /** An owner reaches every project; anyone else only its own, and another project is a 404. */
    private void requireProject(Caller caller, String id) {
        if (caller.role() == Role.OWNER) {
            return;
        }
        if (id == null
                || !CANONICAL_UUID.matcher(id).matches()
                || !UUID.fromString(id).equals(caller.projectId())) {
            throw new ProjectNotFoundException(id);
        }
    }
}
