package dev.gantry.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The caller of the current request, as the filter chain authenticated it. */
final class Callers {

    private Callers() {}

    /** @return null when the request carries no caller (only on routes open to everyone) */
    static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller caller ? caller : null;
    }
}
