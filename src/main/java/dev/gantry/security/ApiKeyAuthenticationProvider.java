package dev.gantry.security;

import java.net.SocketException;
import java.sql.SQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.TransactionException;

final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final ApiKeyService keys;

    ApiKeyAuthenticationProvider(ApiKeyService keys) {
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = (String) authentication.getCredentials();
        try {
            return keys.authenticate(secret)
                    .map(ApiKeyAuthentication::of)
                    .orElseThrow(() -> new BadCredentialsException("unknown, revoked or expired key"));
        } catch (RuntimeException e) {
            // PostgreSQL restarting: the key could not be checked, which is neither a 401 nor a 500.
            if (databaseUnreachable(e)) {
                throw new DatabaseUnavailable(e);
            }
            throw e;
        }
    }

    /**
     * Any database failure, anywhere in the causes: a lookup that fails inside a transaction may
     * surface as the failed rollback after it (a JpaSystemException over "Connection is closed")
     * rather than as its own exception. The key could not be checked either way.
     */
    private static boolean databaseUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessException
                    || cause instanceof TransactionException
                    || cause instanceof SQLException
                    || cause instanceof SocketException) {
                return true;
            }
        }
        return false;
    }

    /** The key store could not be read; answered 503 like any other request while the database is down. */
    static final class DatabaseUnavailable extends AuthenticationServiceException {
        DatabaseUnavailable(Exception cause) {
            super("database unavailable", cause);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthentication.class.isAssignableFrom(authentication);
    }
}
