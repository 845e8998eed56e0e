package dev.gantry.deploy;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A container's environment, bound to Gantry's properties as Spring Boot binds a process's environment. */
final class ContainerEnvironment {

    private ContainerEnvironment() {}

    /** The source's name is what selects Spring Boot's environment-variable mapping. */
    static Binder binder(Map<String, String> env) {
        return new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.<String, Object>copyOf(env))));
    }
}
