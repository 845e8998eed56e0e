package dev.gantry.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The README, the compose file and the helm chart hand the first owner key over as
 * {@code GANTRY_BOOTSTRAP_KEY}, which Spring's relaxed binding alone would not map to {@code
 * gantry.security.bootstrap-key}: the packaged application.yml must. (An environment variable
 * cannot be set inside the test JVM, so this one is a property source of the same kind.)
 */
class BootstrapKeyEnvironmentTest {

    private static final String KEY = "gk_" + "A".repeat(40) + "b-_";

    @Test
    void gantry_bootstrap_key_in_the_environment_is_the_bootstrap_key() throws Exception {
        assertThat(bind(Map.of("GANTRY_BOOTSTRAP_KEY", KEY)).bootstrapKey()).isEqualTo(KEY);
    }

    @Test
    void without_it_there_is_none_and_a_key_is_generated() throws Exception {
        SecurityProperties properties = bind(Map.of());
        assertThat(properties.bootstrapKey()).isNull();
        assertThat(properties.localOnly()).isFalse();
    }

    private static SecurityProperties bind(Map<String, Object> variables) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addLast(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        for (PropertySource<?> yaml :
                new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))) {
            environment.getPropertySources().addLast(yaml);
        }
        return Binder.get(environment)
                .bind("gantry.security", SecurityProperties.class)
                .get();
    }
}
