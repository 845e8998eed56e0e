package dev.gantry.features;

import dev.gantry.training.TrainingCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Validates uploaded networks one at a time, on a thread of its own, through the {@link
 * FeatureNetworkValidator} (a generation process): each {@code PROCESSING} row this server owns
 * becomes {@code READY} with its outputs' shapes or {@code FAILED} with the reason. The module's
 * bytes are in the object store before a row exists, so a row whose server died is not lost: a
 * sweep (at start-up, then every half {@code stale-after}) takes over rows whose heartbeat stopped
 * and validates them again.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class FeatureNetworkValidation implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FeatureNetworkValidation.class);

    private static final Duration RETRY_FIRST = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final FeatureNetworkRepository networks;
    private final FeatureNetworkObjects objects;
    private final ObjectProvider<FeatureNetworkValidator> validator;
    private final FeatureNetworkProperties settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String owner;
    private final ThreadPoolExecutor executor;
    private volatile boolean stopping;

    FeatureNetworkValidation(
            FeatureNetworkRepository networks,
            FeatureNetworkObjects objects,
            ObjectProvider<FeatureNetworkValidator> validator,
            FeatureNetworkProperties settings,
            TransactionTemplate tx,
            ObjectProvider<Clock> clock) {
        this.networks = networks;
        this.objects = objects;
        this.validator = validator;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.owner = hostName() + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
        this.executor = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.validationQueue()), r -> {
                    Thread t = new Thread(r, "feature-network-validation");
                    t.setDaemon(true);
                    return t;
                });
    }

    String owner() {
        return owner;
    }

    /** Whether this server has a process to validate with. */
    boolean canValidate() {
        return validator.getIfAvailable() != null;
    }

    boolean hasRoom() {
        return executor.getQueue().remainingCapacity() > 0;
    }

    /** Queues the validation of a row this server owns; one that does not fit is left to the sweep. */
    void submit(UUID id) {
        try {
            executor.execute(() -> validate(id));
        } catch (RejectedExecutionException e) {
            log.warn("Validation queue full; feature network {} waits for the sweep", id);
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.error("Feature network start-up sweep failed", e);
        }
    }

    /** Renews this server's rows (queued ones too), then takes over rows whose server stopped validating them. */
    @Scheduled(
            fixedDelayString = "${gantry.features.sweep-interval:60s}",
            initialDelayString = "${gantry.features.sweep-interval:60s}")
    void sweep() {
        if (!canValidate()) {
            return;
        }
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> networks.heartbeatOwned(owner, now));
        Instant before = now.minus(settings.staleAfter());
        for (UUID id : networks.findStale(before)) {
            Integer won = tx.execute(s -> networks.takeOver(id, owner, before, clock.instant()));
            if (won != null && won == 1) {
                log.info("Feature network {} was left PROCESSING by a stopped server; validating it again", id);
                submit(id);
            }
        }
    }

    private void validate(UUID id) {
        try {
            Optional<FeatureNetworkEntry> found = networks.findById(id);
            if (found.isEmpty() || !stillOurs(id)) {
                return;
            }
            FeatureNetworkEntry entry = found.get();
            byte[] module = read(entry);
            FeatureNetworkValidator.Result result;
            if (module == null) {
                result = new FeatureNetworkValidator.Result(
                        List.of(), 0, "the stored module does not match the bytes uploaded; upload it again");
            } else {
                result = probe(id, entry, module);
                if (result == null) {
                    return;
                }
            }
            record(id, result);
        } catch (RuntimeException e) {
            // The row stays PROCESSING; its heartbeat stops and the sweep validates it again.
            log.error("Validating feature network {} failed; the sweep retries it", id, e);
        }
    }

    /** The probe, retried while no process is free; null when the row stopped being ours meanwhile. */
    private FeatureNetworkValidator.Result probe(UUID id, FeatureNetworkEntry entry, byte[] module) {
        Duration wait = RETRY_FIRST;
        while (!stopping) {
            FeatureNetworkValidator current = validator.getIfAvailable();
            if (current == null) {
                return null;
            }
            try {
                return current.validate(
                        module, entry.descriptor(), TrainingCatalog.featureProbeSides(entry.descriptor()));
            } catch (FeatureNetworkValidator.Unavailable e) {
                log.info("Feature network {} waits for a generation process: {}", id, e.getMessage());
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            wait = wait.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : wait.multipliedBy(2);
            if (!stillOurs(id)) {
                return null;
            }
        }
        return null;
    }

    private boolean stillOurs(UUID id) {
        Integer renewed = tx.execute(s -> networks.heartbeat(id, owner, clock.instant()));
        return renewed != null && renewed == 1;
    }

    /** The stored bytes, or null when they are not the ones recorded. */
    private byte[] read(FeatureNetworkEntry entry) {
        try (InputStream in = objects.open(entry.moduleKey())) {
            byte[] bytes = in.readAllBytes();
            String sha = HexFormat.of().formatHex(FeatureNetworkService.sha256().digest(bytes));
            return bytes.length == entry.moduleBytes() && sha.equals(entry.moduleSha256()) ? bytes : null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void record(UUID id, FeatureNetworkValidator.Result result) {
        tx.executeWithoutResult(s -> {
            Optional<FeatureNetworkEntry> row = networks.findForUpdate(id);
            if (row.isEmpty()
                    || row.get().state() != FeatureNetworkState.PROCESSING
                    || !owner.equals(row.get().owner())) {
                return; // deleted, or taken over by another server meanwhile
            }
            FeatureNetworkEntry entry = row.get();
            if (result.failure() == null) {
                entry.ready(result.probes(), result.parameters(), clock.instant());
                log.info("Feature network {} ({}) is READY: {}", id, entry.name(), result.probes());
            } else {
                String key = entry.moduleKey();
                entry.failed(result.failure(), clock.instant());
                networks.flush();
                objects.release(key);
                log.info("Feature network {} ({}) FAILED: {}", id, entry.name(), result.failure());
            }
        });
    }

    @Override
    public void destroy() {
        stopping = true;
        executor.shutdownNow();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
