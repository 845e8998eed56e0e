package dev.gantry.scheduler;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param leaseDuration how long a worker may go silent before its job is taken back
 * @param heartbeatInterval how often a worker renews its lease (and learns of a cancel)
 * @param reaperInterval how often the server looks for expired leases
 */
@ConfigurationProperties("gantry.scheduler")
public record SchedulerProperties(
        @DefaultValue("30s") Duration leaseDuration,
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("2s") Duration reaperInterval) {}
