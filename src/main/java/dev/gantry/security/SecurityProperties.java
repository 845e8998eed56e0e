package dev.gantry.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param localOnly no keys at all: every request acts as the owner of the default project. The
 *     server then binds to 127.0.0.1 and refuses to start on any other address
 * @param bootstrapKey the first owner key ({@code GANTRY_BOOTSTRAP_KEY}); without one, a key is
 *     generated on the first start and printed once
 * @param lastUsedInterval a key's last-used time is written at most this often, not on every request
 * @param auditRetention audit entries older than this are deleted (by {@code AuditPruner})
 */
@ConfigurationProperties("gantry.security")
public record SecurityProperties(
        @DefaultValue("false") boolean localOnly,
        String bootstrapKey,
        @DefaultValue("1m") Duration lastUsedInterval,
        @DefaultValue("365d") Duration auditRetention) {

    public SecurityProperties {
        if (bootstrapKey != null && bootstrapKey.isBlank()) {
            bootstrapKey = null;
        }
        // Say which setting is wrong, never the value: it is a secret.
        if (bootstrapKey != null && !KeySecrets.wellFormed(bootstrapKey)) {
            throw new IllegalArgumentException(
                    "GANTRY_BOOTSTRAP_KEY (gantry.security.bootstrap-key) must be gk_ followed by 43 base64url"
                            + " characters (32 random bytes), e.g. from: echo gk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')");
        }
    }

    // A record's toString would print the bootstrap key into any log that prints the properties.
    @Override
    public String toString() {
        return "SecurityProperties[localOnly=" + localOnly + ", bootstrapKey=" + (bootstrapKey == null ? "none" : "set")
                + ", lastUsedInterval=" + lastUsedInterval + ", auditRetention=" + auditRetention + "]";
    }
}
