package dev.gantry.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first owner key. V9 made the default project; on a start with no key at all, this makes an
 * owner key there: {@code GANTRY_BOOTSTRAP_KEY} when set, else a new one printed once to the
 * console (not the log, which is kept and shipped). A configured key that is not stored yet is
 * added even when other keys exist, so a deployment can always name its owner key; one that was
 * revoked stays revoked.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class SecurityBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SecurityBootstrap.class);
    // Two servers starting on an empty database must not both make a key.
    private static final long BOOTSTRAP_LOCK = 0x6761_6E74_7279_6B00L;

    private final ApiKeyService keys;
    private final SecurityProperties settings;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    SecurityBootstrap(ApiKeyService keys, SecurityProperties settings, JdbcClient jdbc, TransactionTemplate tx) {
        this.keys = keys;
        this.settings = settings;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (settings.localOnly()) {
            log.warn("gantry.security.local-only=true: authentication is OFF; the API listens on loopback only");
            return;
        }
        String generated = tx.execute(s -> {
            jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(:key)")
                    .param("key", BOOTSTRAP_LOCK)
                    .query(Integer.class)
                    .single();
            if (settings.bootstrapKey() != null) {
                if (!keys.exists(settings.bootstrapKey())) {
                    KeyView key = keys.createWithSecret(
                            Projects.DEFAULT_ID, "bootstrap", Role.OWNER, settings.bootstrapKey());
                    log.info("Stored GANTRY_BOOTSTRAP_KEY as owner key {} ({})", key.id(), key.prefix());
                }
                return null;
            }
            if (keys.any()) {
                return null;
            }
            return keys.create(Projects.DEFAULT_ID, "bootstrap", Role.OWNER, null)
                    .secret();
        });
        if (generated != null) {
            // Deliberately System.out: shown once to whoever started the server, never logged.
            System.out.println("""

                    ==============================================================================
                     Gantry owner key (shown once; store it now, only its hash is kept):

                       export GANTRY_KEY=%s

                     Send it as  Authorization: Bearer $GANTRY_KEY
                    ==============================================================================
                    """.formatted(generated));
            System.out.flush();
        }
    }
}
