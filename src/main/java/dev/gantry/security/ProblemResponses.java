package dev.gantry.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import tools.jackson.databind.json.JsonMapper;

/** 401, 403 and 503 from the filter chain, as problem+json like every other error of the API. */
final class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    static AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            write(
                    response,
                    401,
                    "Unauthorized",
                    header == null
                            ? "Send an API key: Authorization: Bearer gk_…"
                            : "The API key is unknown, revoked or expired, or the Authorization header is not 'Bearer gk_…'");
        };
    }

    /** A failed key check: 503 when the database could not be asked, else 401. */
    static AuthenticationFailureHandler failure() {
        AuthenticationEntryPoint unauthorized = unauthorized();
        return (request, response, e) -> {
            if (e instanceof ApiKeyAuthenticationProvider.DatabaseUnavailable) {
                log.warn(
                        "Database unavailable while checking an API key: {}",
                        e.getCause().getMessage());
                response.setHeader(HttpHeaders.RETRY_AFTER, "5");
                write(
                        response,
                        503,
                        "Service unavailable",
                        "database-unavailable",
                        "The job database is unreachable; nothing was changed. Retry shortly.");
            } else {
                unauthorized.commence(request, response, e);
            }
        };
    }

    static AccessDeniedHandler forbidden() {
        return (request, response, e) -> write(response, 403, "Forbidden", "This endpoint needs an owner key");
    }

    private static void write(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        write(response, status, title, title.toLowerCase(java.util.Locale.ROOT), detail);
    }

    private static void write(HttpServletResponse response, int status, String title, String type, String detail)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:gantry:problem:" + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        response.setStatus(status);
        // Bytes, not a writer: a writer would add ";charset=UTF-8", which no other problem of the API has.
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }
}
