package dev.gantry.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;

/** JSON input beyond what {@code spring.jackson.*} can set. */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    /** A key given twice is an error: otherwise the last one silently wins and the client never learns. */
    @Bean
    JsonMapperBuilderCustomizer rejectDuplicateKeys() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
