package dev.gantry.features;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FeatureNetworkProperties.class)
class FeatureNetworkConfiguration {}
