package dev.gantry.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Local-only mode has no keys, so anyone who can reach the port is the owner: the port must be
 * reachable from this machine only. No address configured means loopback; any other address
 * stops the start-up.
 */
@Component
@ConditionalOnProperty(name = "gantry.security.local-only", havingValue = "true")
class LocalOnlyBinding implements WebServerFactoryCustomizer<ConfigurableWebServerFactory> {

    private final Environment env;

    LocalOnlyBinding(Environment env) {
        this.env = env;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        for (String setting : new String[] {"server.address", "management.server.address"}) {
            String configured = env.getProperty(setting);
            if (configured != null && !configured.isBlank() && !isLoopback(configured)) {
                throw new IllegalStateException("gantry.security.local-only=true turns authentication off, so the"
                        + " server binds to loopback only; " + setting + " is " + configured
                        + ". Unset it, or turn local-only off and use API keys");
            }
        }
        // Set for the main and the management server alike (both are customized here).
        factory.setAddress(InetAddress.getLoopbackAddress());
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
