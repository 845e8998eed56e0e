package dev.gantry.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

// Every role needs the settings (keys are checked only by a server, but the beans exist in all).
@Configuration
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityPropertiesConfiguration {}
