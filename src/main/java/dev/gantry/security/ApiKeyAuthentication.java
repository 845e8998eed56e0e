package dev.gantry.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Before: the secret a request sent. After: the {@link Caller} it stands for, with its role as authority. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final transient Caller caller;
    private String secret;

    private ApiKeyAuthentication(String secret, Caller caller) {
        super(
                caller == null
                        ? List.of()
                        : List.of(new SimpleGrantedAuthority(
                                "ROLE_" + caller.role().name())));
        this.secret = secret;
        this.caller = caller;
        setAuthenticated(caller != null);
    }

    static ApiKeyAuthentication unauthenticated(String secret) {
        return new ApiKeyAuthentication(secret, null);
    }

    static ApiKeyAuthentication of(Caller caller) {
        return new ApiKeyAuthentication(null, caller);
    }

    @Override
    public Object getCredentials() {
        return secret;
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public void eraseCredentials() {
        secret = null;
        super.eraseCredentials();
    }

    // Never the secret, whatever logs this.
    @Override
    public String toString() {
        return caller == null
                ? "ApiKeyAuthentication[unauthenticated]"
                : "ApiKeyAuthentication[" + caller.keyPrefix() + "]";
    }
}
