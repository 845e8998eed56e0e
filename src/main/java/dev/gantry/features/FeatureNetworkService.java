package dev.gantry.features;

import dev.gantry.quota.ProjectQuotas;
import dev.gantry.quota.QuotaExceededException;
import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureNetworkInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feature networks: uploads, listing, deletes, and what jobs and workers need of them. An upload
 * is checked as far as the API process can without libtorch (the descriptor, the size, that the
 * module is a zip archive as {@code torch.jit.save} writes), stored content-addressed, recorded
 * {@code PROCESSING}, and handed to {@link FeatureNetworkValidation}, which has a generation
 * process load and probe it. A refused upload leaves no row, no object and no temp file.
 */
@Service
public class FeatureNetworkService {

    /** Unfinished jobs naming a network: in a perceptual term, or (for the metrics) in evaluation. */
    private static final String JOBS_USING = """
            SELECT id FROM jobs
             WHERE state IN ('QUEUED', 'RUNNING', 'CANCELLING')
               AND (spec -> 'evaluation' ->> 'featureNetwork' = :id
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(
                                   CASE WHEN jsonb_typeof(spec -> 'loss' -> 'terms') = 'array'
                                        THEN spec -> 'loss' -> 'terms' ELSE '[]'::jsonb END) t
                                WHERE t -> 'params' ->> 'network' = :id))
             ORDER BY created_at LIMIT 5
            """;

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final FeatureNetworkRepository networks;
    private final FeatureNetworkObjects objects;
    private final ObjectProvider<FeatureNetworkValidation> validation;
    private final FeatureNetworkProperties settings;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Path tempFolder;
    private final ProjectQuotas quotas;

    FeatureNetworkService(
            FeatureNetworkRepository networks,
            FeatureNetworkObjects objects,
            ObjectProvider<FeatureNetworkValidation> validation,
            FeatureNetworkProperties settings,
            TransactionTemplate tx,
            JdbcClient jdbc,
            JsonMapper json,
            ObjectProvider<Clock> clock,
            @Value("${gantry.data-dir}") Path dataDir,
            ProjectQuotas quotas) {
        this.networks = networks;
        this.objects = objects;
        this.validation = validation;
        this.settings = settings;
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tempFolder = settings.tempFolder() == null || settings.tempFolder().isBlank()
                ? dataDir.resolve("tmp").resolve("feature-networks")
                : Path.of(settings.tempFolder());
        this.quotas = quotas;
    }

    /** Runs once the module's part has ended, before anything is kept: the caller's last checks. */
    @FunctionalInterface
    public interface BodyCheck {
        void check() throws IOException;
    }

    /**
     * @param descriptor the descriptor's JSON, read whole (at most {@code max-descriptor-bytes})
     * @param module the module's bytes as they arrive
     */
    /** @param project the project the new network belongs to */
    public record Upload(UUID project, byte[] descriptor, InputStream module, BodyCheck afterBody) {}

    public long maxDescriptorBytes() {
        return settings.maxDescriptorBytes().toBytes();
    }

    /**
     * @return the new network, {@code PROCESSING}
     * @throws InvalidFeatureNetworkException naming each bad field; nothing is kept
     * @throws FeatureNetworkTooLargeException past {@code max-module-bytes}; nothing is kept
     * @throws FeatureNetworksUnavailableException when it could not be validated now
     * @throws QuotaExceededException when the module does not fit the project's stored-bytes
     *     quota; nothing is kept
     */
    public FeatureNetworkView upload(Upload upload) throws IOException {
        FeatureNetworkValidation validator = validation.getIfAvailable();
        if (validator == null || !validator.canValidate()) {
            throw new FeatureNetworksUnavailableException(
                    "Feature networks are validated by a generation process and this server runs none"
                            + " (gantry.generation.local-count is 0)",
                    null);
        }
        if (!validator.hasRoom()) {
            throw new FeatureNetworksUnavailableException(
                    "The " + settings.validationQueue() + " places of the validation queue are taken", 10);
        }
        FeatureNetworkDescriptor descriptor = descriptor(upload.descriptor());
        quotas.precheckStorage(upload.project(), -1);
        UUID id = UUID.randomUUID();
        Files.createDirectories(tempFolder);
        Path file = tempFolder.resolve(id + ".pt");
        String key = null;
        boolean recorded = false;
        try {
            Received received = receive(upload.module(), file);
            upload.afterBody().check();
            String sha256 = received.sha256();
            key = FeatureNetworkObjects.PREFIX + sha256;
            objects.putIfAbsent(key, file);
            String storedKey = key;
            tx.executeWithoutResult(s -> {
                quotas.lockStorageFor(upload.project(), received.bytes());
                objects.lockAndEnsure(storedKey, file);
                networks.save(new FeatureNetworkEntry(
                        id,
                        upload.project(),
                        descriptor,
                        received.bytes(),
                        sha256,
                        storedKey,
                        validator.owner(),
                        clock.instant()));
            });
            recorded = true;
            validator.submit(id);
            return view(networks.findById(id).orElseThrow(() -> new FeatureNetworkNotFoundException(id.toString())));
        } finally {
            Files.deleteIfExists(file);
            if (!recorded && key != null) {
                String orphan = key;
                tx.executeWithoutResult(s -> objects.release(orphan));
            }
        }
    }

    private FeatureNetworkDescriptor descriptor(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidFeatureNetworkException(
                    "descriptor", "is required: a JSON part named 'descriptor' before the module");
        }
        FeatureNetworkDescriptor d;
        try {
            d = json.readValue(bytes, FeatureNetworkDescriptor.class);
        } catch (JacksonException e) {
            String path = path(e);
            throw new InvalidFeatureNetworkException(
                    path.isEmpty() ? "descriptor" : "descriptor." + path,
                    "is not valid: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (d == null) {
            throw new InvalidFeatureNetworkException("descriptor", "must be a JSON object");
        }
        List<ConfigViolation> violations = TrainingCatalog.validateFeatureNetwork(d);
        if (!violations.isEmpty()) {
            throw new InvalidFeatureNetworkException(violations.stream()
                    .map(v -> new InvalidFeatureNetworkException.Problem("descriptor." + v.field(), v.message()))
                    .toList());
        }
        return d;
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private record Received(long bytes, String sha256) {}

    /** Streams the module to a file, hashing and counting, refusing it the moment it passes the cap. */
    private Received receive(InputStream in, Path file) throws IOException {
        long max = settings.maxModuleBytes().toBytes();
        MessageDigest sha256 = sha256();
        byte[] head = new byte[ZIP_MAGIC.length];
        int headLength = 0;
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new InvalidFeatureNetworkException(
                            "module", "the upload broke off before its end: " + e.getMessage());
                }
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > max) {
                    throw new FeatureNetworkTooLargeException(
                            "The module is larger than gantry.features.max-module-bytes (" + max + " bytes)");
                }
                for (int i = 0; i < n && headLength < head.length; i++) {
                    head[headLength++] = buffer[i];
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw new InvalidFeatureNetworkException("module", "is empty");
        }
        if (headLength < head.length || !java.util.Arrays.equals(head, ZIP_MAGIC)) {
            throw new InvalidFeatureNetworkException(
                    "module", "is not a TorchScript file: torch.jit.save writes a zip archive, and this is none");
        }
        return new Received(total, HexFormat.of().formatHex(sha256.digest()));
    }

    public List<FeatureNetworkView> list(UUID project) {
        return networks.findAllByProjectIdOrderByCreatedAtDescIdDesc(project).stream()
                .map(FeatureNetworkService::view)
                .toList();
    }

    public FeatureNetworkView get(String id) {
        return view(networks.findById(uuid(id)).orElseThrow(() -> new FeatureNetworkNotFoundException(id)));
    }

    /**
     * Deletes a network and its object when no other row names it. Takes the row {@code FOR
     * UPDATE}, so it waits for any job submit holding it ({@link #requireReadyForJob}) and sees that job.
     *
     * @throws FeatureNetworkInUseException while a queued, running or cancelling job names it
     */
    public void delete(String idText) {
        UUID id = uuid(idText);
        tx.executeWithoutResult(s -> {
            FeatureNetworkEntry entry =
                    networks.findForUpdate(id).orElseThrow(() -> new FeatureNetworkNotFoundException(idText));
            List<UUID> jobs = jdbc.sql(JOBS_USING)
                    .param("id", id.toString())
                    .query(UUID.class)
                    .list();
            if (!jobs.isEmpty()) {
                throw new FeatureNetworkInUseException("Feature network " + id + " is used by unfinished jobs " + jobs
                        + "; cancel them or wait for them to finish");
            }
            String key = entry.moduleKey();
            networks.delete(entry);
            networks.flush();
            objects.release(key);
        });
    }

    /**
     * For the job service, inside its submit transaction (and the worker, inside one of its own): a
     * {@code READY} network, its row locked {@code FOR SHARE} until the caller commits, so a
     * concurrent delete waits and then finds the job.
     *
     * @throws FeatureNetworkUnusableException for an unknown id or a network not {@code READY}
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public FeatureNetworkInfo requireReadyForJob(String id) {
        return requireReadyForJob(id, null);
    }

    /** For a job of {@code project}: another project's network is as unknown as a missing one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public FeatureNetworkInfo requireReadyForJob(String id, UUID project) {
        UUID uuid;
        try {
            uuid = uuid(id);
        } catch (FeatureNetworkNotFoundException e) {
            throw unknown(id);
        }
        FeatureNetworkEntry entry = networks.findForShare(uuid)
                .filter(e -> project == null || project.equals(e.projectId()))
                .orElseThrow(() -> unknown(id));
        if (entry.state() != FeatureNetworkState.READY) {
            throw new FeatureNetworkUnusableException("feature network " + id + " is " + entry.state()
                    + (entry.state() == FeatureNetworkState.FAILED ? " (" + entry.failureReason() + ")" : "")
                    + "; only READY networks can be used");
        }
        return info(entry);
    }

    private static FeatureNetworkUnusableException unknown(String id) {
        String shown = id == null || id.length() <= 64 ? id : id.substring(0, 64) + "…";
        return new FeatureNetworkUnusableException(
                "no feature network '" + shown + "'; upload one (POST /api/v1/feature-networks)");
    }

    /** A READY network's module for a worker, checked against the size and SHA-256 recorded at upload. */
    public record Module(FeatureNetworkInfo info, byte[] bytes) {}

    /**
     * For the worker: the module of a READY network, read from the object store.
     *
     * @throws FeatureNetworkUnusableException when it is gone or not READY
     * @throws IllegalStateException when the stored bytes are not the recorded ones
     */
    public Module readModule(String id) {
        FeatureNetworkInfo info = tx.execute(s -> requireReadyForJob(id));
        FeatureNetworkEntry entry =
                networks.findById(UUID.fromString(info.id())).orElseThrow(() -> unknown(id));
        String key = entry.moduleKey();
        long size = objects.size(key);
        if (size != entry.moduleBytes()) {
            throw new IllegalStateException(
                    "stored module of feature network " + id + " has " + size + " bytes, not " + entry.moduleBytes());
        }
        MessageDigest sha256 = sha256();
        byte[] bytes;
        try (InputStream in = new DigestInputStream(objects.open(key), sha256)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(entry.moduleSha256())) {
            throw new IllegalStateException("stored module of feature network " + id + " has SHA-256 " + actual
                    + ", not " + entry.moduleSha256());
        }
        return new Module(info, bytes);
    }

    static FeatureNetworkInfo info(FeatureNetworkEntry entry) {
        return new FeatureNetworkInfo(entry.id().toString(), entry.moduleSha256(), entry.descriptor(), entry.probes());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static UUID uuid(String id) {
        // Only the canonical form: UUID.fromString also takes "1-1-1-1-1".
        if (id == null || id.length() != 36) {
            throw new FeatureNetworkNotFoundException(id);
        }
        try {
            UUID uuid = UUID.fromString(id);
            if (!uuid.toString().equals(id.toLowerCase(Locale.ROOT))) {
                throw new FeatureNetworkNotFoundException(id);
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new FeatureNetworkNotFoundException(id);
        }
    }

    static FeatureNetworkView view(FeatureNetworkEntry e) {
        return new FeatureNetworkView(
                e.id().toString(),
                e.name(),
                e.state(),
                e.failureReason(),
                e.descriptor(),
                e.state() == FeatureNetworkState.READY ? e.probes() : new ArrayList<>(),
                e.parameters(),
                e.moduleBytes(),
                e.moduleSha256(),
                e.createdAt(),
                e.updatedAt());
    }
}
