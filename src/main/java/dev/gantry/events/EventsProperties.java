package dev.gantry.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxStreamsPerKey open event streams one API key may hold; more get 429
 * @param maxStreams open event streams on this server; more get 503
 * @param buffer events waiting to be written to one stream; a client that falls this far behind is
 *     disconnected and resumes with {@code Last-Event-ID}
 * @param heartbeat how often an idle stream gets a {@code : keep-alive} comment, for proxies
 * @param streamTimeout how long one stream stays open; the client then reconnects with
 *     {@code Last-Event-ID}, so a forgotten tab does not hold a slot for ever
 * @param pollInterval how often the server reads the event log without a notification (one lost
 *     while the listening connection was down)
 * @param retention how long events are kept for resuming and replay
 * @param senderThreads threads that write events to all the streams of this server
 */
@ConfigurationProperties("gantry.events")
public record EventsProperties(
        @DefaultValue("64") int maxStreamsPerKey,
        @DefaultValue("2000") int maxStreams,
        @DefaultValue("1000") int buffer,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("30m") Duration streamTimeout,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("4") int senderThreads) {}
