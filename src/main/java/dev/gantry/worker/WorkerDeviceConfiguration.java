package dev.gantry.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker role's device, probed in the worker process only (the server never loads libtorch). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gantry.role", havingValue = "worker")
class WorkerDeviceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerDeviceConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    GpuProbe gpuProbe() {
        return new DjlGpuProbe();
    }

    @Bean
    WorkerDevice workerDevice(WorkerProperties properties, GpuProbe probe) {
        WorkerDevice device = WorkerDevice.resolve(properties.device(), probe);
        log.info("Worker trains on {} (gantry.worker.device={})", device.description(), properties.device());
        return device;
    }
}
