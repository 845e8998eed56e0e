package dev.gantry.api;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpLimitsProperties.class)
class SlowClientConfiguration {

    @Bean
    SlowClientValve slowClientValve(HttpLimitsProperties limits) {
        return new SlowClientValve(limits, System::nanoTime);
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> slowClients(SlowClientValve valve) {
        return factory ->
                factory.addContextCustomizers(context -> context.getPipeline().addValve(valve));
    }
}
