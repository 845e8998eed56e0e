package dev.gantry.dataset;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps {@code PROCESSING} rows honest. This server's rows get a heartbeat every {@code
 * gantry.datasets.heartbeat-interval}, whatever their upload or decode is doing; a row whose
 * heartbeat is older than {@code stale-after} belongs to a server that died and is failed, its
 * objects let go. At start-up, before the API opens, rows of a previous process on this host are
 * failed at once (their process is gone) and temp files no live row owns are deleted.
 */
@Component
@ConditionalOnProperty(name = "gantry.role", havingValue = "server", matchIfMissing = true)
class DatasetSweeper implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(DatasetSweeper.class);

    static final String ABANDONED =
            "the server processing this upload stopped (restarted or crashed) before it finished; upload it again";

    private final DatasetRepository datasets;
    private final DatasetProcessor processor;
    private final DatasetProperties settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Path tempFolder;

    DatasetSweeper(
            DatasetRepository datasets,
            DatasetProcessor processor,
            DatasetProperties settings,
            TransactionTemplate tx,
            DatasetClock clock,
            DatasetTempFolder tempFolder) {
        this.datasets = datasets;
        this.processor = processor;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock.clock();
        this.tempFolder = tempFolder.path();
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            sweepAtStartup();
        } catch (RuntimeException e) {
            // A database still starting must not stop the server; the periodic sweep catches up.
            log.error("Dataset start-up sweep failed", e);
        }
    }

    /** Fails rows of dead processes on this host and stale rows anywhere; deletes orphaned temp files. */
    void sweepAtStartup() {
        String host = processor.owner().substring(0, processor.owner().indexOf(':') + 1);
        List<Object[]> processing = datasets.findProcessingOwners();
        for (Object[] row : processing) {
            UUID id = (UUID) row[0];
            String owner = (String) row[1];
            if (owner != null && owner.startsWith(host) && !owner.equals(processor.owner()) && !alive(owner)) {
                abandon(id);
            }
        }
        sweepStale();
        Set<String> live = new HashSet<>();
        datasets.findProcessingOwners().forEach(row -> live.add(row[0].toString()));
        deleteOrphanedTempFiles(live);
    }

    @Scheduled(
            fixedDelayString = "${gantry.datasets.heartbeat-interval:5s}",
            initialDelayString = "${gantry.datasets.heartbeat-interval:5s}")
    void heartbeatAndSweep() {
        try {
            tx.executeWithoutResult(s -> datasets.heartbeat(processor.owner(), clock.instant()));
            sweepStale();
        } catch (RuntimeException e) {
            // Must outlive a database restart: log and try again next round.
            log.error("Dataset heartbeat or sweep failed", e);
        }
    }

    /** @return the rows failed */
    int sweepStale() {
        List<UUID> stale = datasets.findStale(clock.instant().minus(settings.staleAfter()));
        stale.forEach(this::abandon);
        return stale.size();
    }

    private void abandon(UUID id) {
        log.warn("Dataset {} was left PROCESSING by a server that stopped; failing it", id);
        processor.fail(id, ABANDONED, null);
        DatasetProcessor.deleteQuietly(tempFolder.resolve(id + ".upload"));
        DatasetProcessor.deleteQuietly(tempFolder.resolve(id + ".tensor"));
    }

    /** Owners are {@code host:pid:nonce}; a pid that is not running on this host is a dead owner. */
    private static boolean alive(String owner) {
        String[] parts = owner.split(":");
        try {
            return parts.length >= 3
                    && ProcessHandle.of(Long.parseLong(parts[parts.length - 2]))
                            .map(ProcessHandle::isAlive)
                            .orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private void deleteOrphanedTempFiles(Set<String> liveIds) {
        if (!Files.isDirectory(tempFolder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tempFolder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot > 0 && !liveIds.contains(name.substring(0, dot))) {
                    log.info("Deleting orphaned dataset temp file {}", file);
                    DatasetProcessor.deleteQuietly(file);
                }
            }
        } catch (IOException e) {
            log.warn("Could not sweep {}: {}", tempFolder, e.toString());
        }
    }
}
