package dev.gantry.dataset;

import dev.gantry.quota.ProjectQuotas;
import dev.gantry.quota.QuotaExceededException;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.ImageTensorFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Datasets: uploading, listing, previewing and deleting them, and what jobs and workers need of
 * them. Built-in sets ({@link BuiltInDatasets}) are listed beside uploads and named by their name;
 * uploads by their uuid.
 *
 * <p>An upload's row exists from its first byte ({@code PROCESSING}, phase {@code upload}, bytes
 * received growing), so its progress is visible; a refused upload removes its row, its temp file
 * and any object it stored before the 4xx is answered. Long steps (receiving, decoding) run
 * outside any transaction; each state change is its own short one.
 */
@Service
public class DatasetService {

    /** As job names: what fits in a URL, a log line and a file name without escaping. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private static final String JOBS_USING = """
            SELECT id FROM jobs WHERE state IN ('QUEUED', 'RUNNING', 'CANCELLING') AND spec->>'dataset' = :id
            ORDER BY created_at LIMIT 5
            """;

    private final DatasetRepository datasets;
    private final DatasetObjects objects;
    private final DatasetProcessor processor;
    private final DatasetProperties settings;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Path tempFolder;
    private final ProjectQuotas quotas;

    DatasetService(
            DatasetRepository datasets,
            DatasetObjects objects,
            DatasetProcessor processor,
            DatasetProperties settings,
            TransactionTemplate tx,
            JdbcClient jdbc,
            DatasetClock clock,
            DatasetTempFolder tempFolder,
            ProjectQuotas quotas) {
        this.datasets = datasets;
        this.objects = objects;
        this.processor = processor;
        this.settings = settings;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock.clock();
        this.tempFolder = tempFolder.path();
        this.quotas = quotas;
    }

    /** Runs after the body has been read to its end, before anything is kept: the caller's last checks. */
    @FunctionalInterface
    public interface BodyCheck {
        void check() throws IOException;
    }

    /**
     * @param format the declared format ({@code zip}, {@code idx}, {@code npy}) or null to sniff it
     * @param declaredLength the body's {@code Content-Length}, or -1 when unknown (chunked, multipart)
     * @param afterBody run once the body ended, before the upload is kept; may refuse it
     */
    /** @param project the project the new dataset belongs to */
    public record Upload(
            UUID project, String name, String format, long declaredLength, InputStream body, BodyCheck afterBody) {}

    /**
     * Receives an upload, keeps it, and queues its decoding.
     *
     * @return the new dataset, {@code PROCESSING}
     * @throws InvalidUploadException for bad input, naming the field; nothing is kept
     * @throws UploadTooLargeException past {@code gantry.datasets.max-upload-bytes}; nothing is kept
     * @throws DatasetsBusyException when the decode queue is full; nothing is kept
     * @throws QuotaExceededException when the upload does not fit the project's stored-bytes
     *     quota (checked before the body is read when its length is declared, and always once it
     *     has arrived); nothing is kept
     */
    public DatasetView upload(Upload upload) throws IOException {
        DatasetFormat declared = checkRequest(upload);
        if (upload.declaredLength() > settings.maxUploadBytes().toBytes()) {
            throw new UploadTooLargeException(settings.maxUploadBytes().toBytes());
        }
        if (!processor.hasRoom()) {
            throw new DatasetsBusyException(settings.decodeQueue());
        }
        quotas.precheckStorage(upload.project(), upload.declaredLength());
        UUID id = UUID.randomUUID();
        String owner = processor.owner();
        Files.createDirectories(tempFolder);
        Path file = tempFolder.resolve(id + ".upload");
        tx.executeWithoutResult(
                s -> datasets.save(new Dataset(id, upload.project(), upload.name(), declared, owner, clock.instant())));
        boolean handedOver = false;
        String claimedKey = null;
        try {
            UploadReceiver receiver =
                    new UploadReceiver(settings.maxUploadBytes().toBytes(), clock, settings.heartbeatInterval());
            UploadReceiver.Received received;
            try {
                received = receiver.receive(
                        upload.body(),
                        file,
                        bytes -> tx.executeWithoutResult(
                                s -> datasets.reportReceived(id, owner, bytes, clock.instant())));
            } catch (UploadReceiver.BodyFailed e) {
                throw new InvalidUploadException("file", "the upload broke off before its end: " + e.getMessage());
            }
            upload.afterBody().check();
            UploadInspector.Inspection inspection =
                    UploadInspector.inspect(file, received.bytes(), declared, settings.zipLimits());
            String key = DatasetObjects.UPLOADS + received.sha256();
            // Refused before the object is put, when it can be, and for good under the lock below.
            quotas.precheckStorage(upload.project(), received.bytes());
            // Named from here on, so a refusal below releases an object no row keeps.
            claimedKey = key;
            objects.putIfAbsent(key, file);
            tx.executeWithoutResult(s -> {
                Dataset dataset = datasets.findForUpdate(id)
                        .filter(d -> d.state() == DatasetState.PROCESSING)
                        .orElseThrow(() -> new DatasetInUseException(
                                "Dataset " + id + " was deleted while it was being uploaded"));
                quotas.lockStorageFor(upload.project(), received.bytes());
                objects.lockAndEnsure(key, file);
                dataset.received(received.bytes(), received.sha256(), key, inspection.format(), clock.instant());
            });
            processor.submit(id, file, inspection);
            handedOver = true;
            return view(datasets.findById(id).orElseThrow(() -> new DatasetNotFoundException(id.toString())));
        } finally {
            if (!handedOver) {
                discard(id, claimedKey, file);
            }
        }
    }

    private static DatasetFormat checkRequest(Upload upload) {
        if (upload.name() == null || upload.name().isEmpty()) {
            throw new InvalidUploadException("name", "is required: the dataset's name, e.g. ?name=my-faces");
        }
        if (!NAME.matcher(upload.name()).matches()) {
            throw new InvalidUploadException(
                    "name", "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (upload.format() == null) {
            return null;
        }
        return DatasetFormat.parse(upload.format())
                .orElseThrow(() -> new InvalidUploadException("format", "must be one of [zip, idx, npy]"));
    }

    /** Undoes a refused upload: its row, the object it stored (unless another row uses it), its file. */
    private void discard(UUID id, String key, Path file) {
        try {
            tx.executeWithoutResult(s -> {
                datasets.findForUpdate(id).ifPresent(datasets::delete);
                datasets.flush();
                objects.release(key);
            });
        } finally {
            DatasetProcessor.deleteQuietly(file);
        }
    }

    /** Built-in sets (every project's) and the project's uploads. */
    public List<DatasetView> list(UUID project) {
        List<DatasetView> views = new ArrayList<>();
        BuiltInDatasets.all().forEach(info -> views.add(builtIn(info)));
        datasets.findAllByProjectIdOrderByCreatedAtDescIdDesc(project).forEach(d -> views.add(view(d)));
        return views;
    }

    /** @param idOrName an upload's uuid or a built-in set's name */
    public DatasetView get(String idOrName) {
        Optional<BuiltInDatasets.Info> builtIn = BuiltInDatasets.find(idOrName);
        if (builtIn.isPresent()) {
            return builtIn(builtIn.get());
        }
        return view(datasets.findById(uuid(idOrName)).orElseThrow(() -> new DatasetNotFoundException(idOrName)));
    }

    /**
     * An 8×8 PNG grid of the set's first 64 images.
     *
     * @throws DatasetNotFoundException for an unknown id, a set of points, or an upload not READY
     */
    public byte[] preview(String idOrName) {
        Optional<BuiltInDatasets.Info> builtIn = BuiltInDatasets.find(idOrName);
        if (builtIn.isPresent()) {
            if (builtIn.get().kind() != BuiltInDatasets.Kind.IMAGES) {
                throw DatasetNotFoundException.nothingToShow(
                        "Dataset '" + idOrName + "' is a set of 2-D points; it has no image preview");
            }
            return PreviewGrid.png(BuiltInDatasets.images(idOrName));
        }
        Dataset dataset = datasets.findById(uuid(idOrName)).orElseThrow(() -> new DatasetNotFoundException(idOrName));
        if (dataset.state() != DatasetState.READY) {
            throw DatasetNotFoundException.nothingToShow(
                    "Dataset " + idOrName + " has no preview while it is " + dataset.state());
        }
        try (InputStream in = objects.open(dataset.tensorKey())) {
            return PreviewGrid.png(ImageTensorFile.readFirst(in, objects.size(dataset.tensorKey()), PreviewGrid.CELLS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes an upload and the objects no other row uses. Takes the row {@code FOR UPDATE}, so it
     * waits for any job submit holding it ({@link #requireReadyForJob}) and then sees that job.
     *
     * @throws DatasetInUseException while a queued, running or cancelling job uses it
     * @throws DatasetNotFoundException for an unknown id; built-in sets cannot be deleted (409)
     */
    public void delete(String idOrName) {
        if (BuiltInDatasets.find(idOrName).isPresent()) {
            throw new DatasetInUseException("'" + idOrName + "' is a built-in dataset and cannot be deleted");
        }
        UUID id = uuid(idOrName);
        tx.executeWithoutResult(s -> {
            Dataset dataset = datasets.findForUpdate(id).orElseThrow(() -> new DatasetNotFoundException(idOrName));
            List<UUID> jobs = jdbc.sql(JOBS_USING)
                    .param("id", id.toString())
                    .query(UUID.class)
                    .list();
            if (!jobs.isEmpty()) {
                throw new DatasetInUseException("Dataset " + id + " is used by unfinished jobs " + jobs
                        + "; cancel them or wait for them to finish");
            }
            String uploadKey = dataset.uploadKey();
            String tensorKey = dataset.tensorKey();
            datasets.delete(dataset);
            datasets.flush();
            objects.release(uploadKey);
            objects.release(tensorKey);
        });
    }

    /**
     * For the job service, inside its submit transaction: the dataset a job names, which must be a
     * built-in set or a {@code READY} upload. An upload's row is locked {@code FOR SHARE} until the
     * caller commits, so a concurrent delete waits and then finds the job.
     *
     * @param nameOrId the spec's {@code dataset} value
     * @throws DatasetUnusableException for an unknown id or name, or an upload not {@code READY};
     *     the message is meant for the field {@code dataset}
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public DatasetDescriptor requireReadyForJob(String nameOrId) {
        return requireReadyForJob(nameOrId, null);
    }

    /**
     * As {@link #requireReadyForJob(String)}, for a job of {@code project}: another project's
     * upload is as unknown as one that does not exist, with the same message.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public DatasetDescriptor requireReadyForJob(String nameOrId, UUID project) {
        Optional<BuiltInDatasets.Info> builtIn = BuiltInDatasets.find(nameOrId);
        if (builtIn.isPresent()) {
            BuiltInDatasets.Info info = builtIn.get();
            return new DatasetDescriptor(
                    info.name(),
                    true,
                    info.count(),
                    info.channels(),
                    info.height(),
                    info.width(),
                    info.classNames(),
                    null,
                    0,
                    null);
        }
        UUID id;
        try {
            id = uuid(nameOrId);
        } catch (DatasetNotFoundException e) {
            throw unusable(nameOrId);
        }
        Dataset dataset = datasets.findForShare(id)
                .filter(d -> project == null || project.equals(d.projectId()))
                .orElseThrow(() -> unusable(nameOrId));
        if (dataset.state() != DatasetState.READY) {
            throw new DatasetUnusableException("dataset " + id + " is " + dataset.state()
                    + (dataset.state() == DatasetState.FAILED ? " (" + dataset.failureReason() + ")" : "")
                    + "; only READY datasets can be trained on");
        }
        return new DatasetDescriptor(
                id.toString(),
                false,
                dataset.count(),
                dataset.channels(),
                dataset.height(),
                dataset.width(),
                dataset.classNames(),
                dataset.tensorKey(),
                dataset.tensorBytes(),
                dataset.tensorSha256());
    }

    private static DatasetUnusableException unusable(String nameOrId) {
        List<String> names =
                BuiltInDatasets.all().stream().map(BuiltInDatasets.Info::name).toList();
        // Echo only the start: a megabyte of input is not worth a megabyte of answer.
        String shown = nameOrId == null || nameOrId.length() <= 64 ? nameOrId : nameOrId.substring(0, 64) + "…";
        return new DatasetUnusableException(
                "unknown value '" + shown + "'; the id of an uploaded dataset or one of " + names);
    }

    /**
     * For the worker: the decoded images of an uploaded dataset (built-in sets come from {@code
     * BuiltInDatasets}), read from the object store and checked against the size and SHA-256
     * recorded when it was stored.
     *
     * @throws CorruptDatasetException when the stored bytes are not the recorded ones
     */
    public ImageTensor readTensor(DatasetDescriptor descriptor) {
        if (descriptor.builtIn()) {
            return BuiltInDatasets.images(descriptor.id());
        }
        long size = objects.size(descriptor.tensorKey());
        if (size != descriptor.tensorBytes()) {
            throw new CorruptDatasetException(
                    descriptor.id(), "size " + size + " instead of " + descriptor.tensorBytes());
        }
        MessageDigest sha256 = UploadReceiver.sha256();
        ImageTensor tensor;
        try (InputStream in = new DigestInputStream(objects.open(descriptor.tensorKey()), sha256)) {
            tensor = ImageTensorFile.read(in, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new CorruptDatasetException(descriptor.id(), e.getMessage());
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(descriptor.tensorSha256())) {
            throw new CorruptDatasetException(
                    descriptor.id(), "SHA-256 " + actual + " instead of " + descriptor.tensorSha256());
        }
        return tensor;
    }

    private static UUID uuid(String id) {
        // Only the canonical form: UUID.fromString also takes "1-1-1-1-1".
        if (id == null || id.length() != 36) {
            throw new DatasetNotFoundException(id);
        }
        try {
            UUID uuid = UUID.fromString(id);
            if (!uuid.toString().equals(id.toLowerCase(Locale.ROOT))) {
                throw new DatasetNotFoundException(id);
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new DatasetNotFoundException(id);
        }
    }

    private static DatasetView builtIn(BuiltInDatasets.Info info) {
        boolean images = info.kind() == BuiltInDatasets.Kind.IMAGES;
        // Counts are left out: they would mean generating the set on every listing.
        List<DatasetView.ClassCount> classes = info.classNames().stream()
                .map(name -> new DatasetView.ClassCount(name, null))
                .toList();
        return new DatasetView(
                info.name(),
                info.name(),
                true,
                images ? "images" : "points",
                info.description(),
                null,
                DatasetState.READY,
                null,
                images ? info.count() : null,
                images ? info.channels() : null,
                images ? info.height() : null,
                images ? info.width() : null,
                classes,
                Map.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static DatasetView view(Dataset d) {
        List<DatasetView.ClassCount> classes = new ArrayList<>();
        List<String> names = d.classNames();
        List<Integer> counts = d.classCounts();
        for (int k = 0; k < names.size(); k++) {
            classes.add(new DatasetView.ClassCount(names.get(k), k < counts.size() ? counts.get(k) : 0));
        }
        DatasetView.Progress progress = d.state() == DatasetState.PROCESSING
                ? new DatasetView.Progress(d.phase(), d.bytesReceived(), d.itemsProcessed(), d.itemsTotal())
                : null;
        return new DatasetView(
                d.id().toString(),
                d.name(),
                false,
                "images",
                null,
                d.format() == null ? null : d.format().id(),
                d.state(),
                d.failureReason(),
                d.count(),
                d.channels(),
                d.height(),
                d.width(),
                classes,
                d.skipped(),
                d.preprocessing(),
                d.uploadBytes(),
                d.uploadSha256(),
                d.tensorSha256(),
                progress,
                d.createdAt(),
                d.updatedAt());
    }
}
