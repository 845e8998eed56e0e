package dev.gantry.dataset;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decodes received uploads on a small bounded pool in the server process, one upload per thread,
 * and records the outcome: {@code READY} with the stored tensor, or {@code FAILED} with a reason
 * and no objects of its own left. Pure Java codecs only (ImageIO, inflate): a bad file can cost an
 * exception, not the process, so no worker or libtorch is involved.
 */
@Component
class DatasetProcessor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DatasetProcessor.class);

    private final DatasetRepository datasets;
    private final DatasetObjects objects;
    private final TransactionTemplate tx;
    private final DatasetProperties settings;
    private final Clock clock;
    private final String owner;
    private final ThreadPoolExecutor executor;

    DatasetProcessor(
            DatasetRepository datasets,
            DatasetObjects objects,
            TransactionTemplate tx,
            DatasetProperties settings,
            DatasetClock clock) {
        this.datasets = datasets;
        this.objects = objects;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock.clock();
        this.owner = processName();
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                settings.decodeThreads(),
                settings.decodeThreads(),
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.decodeQueue())),
                r -> {
                    Thread thread = new Thread(r, "dataset-decode-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Who works on a row: this process, so that a sweep can tell a live owner's rows by their heartbeat. */
    String owner() {
        return owner;
    }

    /** Whether an upload received now would find a place in the queue; asked before receiving one. */
    boolean hasRoom() {
        return executor.getQueue().remainingCapacity() > 0 || executor.getActiveCount() < settings.decodeThreads();
    }

    /**
     * Hands a received upload over; the decode owns (and deletes) the upload file from here on.
     *
     * @throws DatasetsBusyException when the queue is full; the caller still owns the file
     */
    void submit(UUID id, Path upload, UploadInspector.Inspection inspection) {
        try {
            executor.execute(() -> decode(id, upload, inspection));
        } catch (RejectedExecutionException e) {
            throw new DatasetsBusyException(executor.getQueue().size());
        }
    }

    private void decode(UUID id, Path upload, UploadInspector.Inspection inspection) {
        Path tensor = upload.resolveSibling(id + ".tensor");
        DecodeContext context = new DecodeContext(settings, tensor, throttled(id));
        try {
            Decoded decoded = decoded(upload, inspection, context);
            long bytes = Files.size(tensor);
            String sha256 = UploadReceiver.sha256(tensor);
            String key = DatasetObjects.TENSORS + sha256;
            objects.putIfAbsent(key, tensor);
            DecodedDataset result = DecodedDataset.of(decoded, context.skipped(), bytes, sha256);
            Boolean recorded = tx.execute(status -> {
                Dataset dataset = datasets.findForUpdate(id).orElse(null);
                if (dataset == null || dataset.state() != DatasetState.PROCESSING) {
                    return false;
                }
                objects.lockAndEnsure(key, tensor);
                dataset.ready(result, key, clock.instant());
                datasets.flush();
                return true;
            });
            if (Boolean.TRUE.equals(recorded)) {
                log.info(
                        "Dataset {} is READY: {} images of {}×{}×{}",
                        id,
                        result.count(),
                        result.channels(),
                        result.height(),
                        result.width());
            } else {
                // Deleted (or swept) while decoding: the tensor is nobody's unless another row shares it.
                tx.executeWithoutResult(status -> objects.release(key));
            }
        } catch (DatasetContentException e) {
            fail(id, e.getMessage(), context.skipped());
        } catch (EOFException e) {
            fail(id, "the upload ends too early (truncated)", context.skipped());
        } catch (IOException e) {
            fail(id, "the upload could not be read: " + e.getMessage(), context.skipped());
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("Decoding dataset {} failed unexpectedly", id, e);
            fail(id, "decoding failed unexpectedly; the error is logged", context.skipped());
        } finally {
            deleteQuietly(upload);
            deleteQuietly(tensor);
        }
    }

    private static Decoded decoded(Path upload, UploadInspector.Inspection inspection, DecodeContext context)
            throws IOException {
        if (inspection.container() != UploadInspector.Container.ZIP) {
            return inspection.format() == DatasetFormat.NPY
                    ? NpyDecoder.decode(upload, null, context)
                    : IdxDecoder.decode(upload, inspection.container(), null, context);
        }
        try (ZipDirectory zip = ZipDirectory.open(upload, context.limits())) {
            return switch (inspection.format()) {
                case ZIP -> ImageZipDecoder.decode(zip, context);
                case IDX -> IdxDecoder.decode(upload, inspection.container(), zip, context);
                case NPY -> NpyDecoder.decode(upload, zip, context);
            };
        }
    }

    /**
     * Ends a processing row {@code FAILED} with the reason and lets go of its objects (deleted
     * unless another row uses them). A row no longer processing (deleted, swept) is left alone.
     */
    void fail(UUID id, String reason, Map<String, Integer> skipped) {
        try {
            tx.executeWithoutResult(status -> {
                Dataset dataset = datasets.findForUpdate(id).orElse(null);
                if (dataset == null || dataset.state() != DatasetState.PROCESSING) {
                    return;
                }
                String uploadKey = dataset.uploadKey();
                String tensorKey = dataset.tensorKey();
                dataset.failed(reason, skipped, clock.instant());
                datasets.flush();
                objects.release(uploadKey);
                objects.release(tensorKey);
            });
            log.info("Dataset {} FAILED: {}", id, reason);
        } catch (RuntimeException e) {
            // The sweep fails it later, once its heartbeat is stale.
            log.error("Recording the failure of dataset {} failed", id, e);
        }
    }

    /** Progress writes at most once per heartbeat interval; they double as the heartbeat. */
    private DecodeContext.Progress throttled(UUID id) {
        long every = settings.heartbeatInterval().toMillis();
        long[] next = {0};
        return (processed, total) -> {
            Instant now = clock.instant();
            if (now.toEpochMilli() >= next[0]) {
                next[0] = now.toEpochMilli() + every;
                try {
                    tx.executeWithoutResult(s -> datasets.reportDecoded(id, owner, processed, total, now));
                } catch (RuntimeException e) {
                    log.warn("Progress of dataset {} not recorded: {}", id, e.toString());
                }
            }
        };
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", file, e.toString());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
