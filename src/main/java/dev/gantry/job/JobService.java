package dev.gantry.job;

import dev.gantry.limits.LimitsProperties;
import dev.gantry.quota.ProjectQuotas;
import dev.gantry.training.config.DataShape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Submitting, reading and steering jobs. Workers are woken by a trigger on the jobs table, not from here. */
@Service
public class JobService {

    public static final int MAX_PAGE_SIZE = 200;

    private final JobRepository jobs;
    private final JsonMapper json;
    private final LimitsProperties limits;
    private final DatasetJobDatasets datasets;
    private final FeatureNetworkJobNetworks networks;
    private final ProjectQuotas quotas;
    private final JobForks forks;

    JobService(
            JobRepository jobs,
            JsonMapper json,
            LimitsProperties limits,
            DatasetJobDatasets datasets,
            FeatureNetworkJobNetworks networks,
            ProjectQuotas quotas,
            JobForks forks) {
        this.jobs = jobs;
        this.forks = forks;
        this.json = json;
        this.limits = limits;
        this.datasets = datasets;
        this.networks = networks;
        this.quotas = quotas;
    }

    public record Submission(Job job, boolean created) {}

    /**
     * Same idempotency key and same spec: the job made by the first request, not a new one, even
     * when the queue or the project's quotas have filled up since. Same key, other spec: a conflict, since the client is
     * confused about what it sent.
     */
    @Transactional
    public Submission submit(UUID project, JobSpec spec, String idempotencyKey) {
        JobSpec complete = complete(project, spec);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new InvalidRequestException(List.of(new FieldError("Idempotency-Key", "must be 1-200 characters")));
        }
        String requestHash = sha256(json.writeValueAsString(spec));
        jobs.lockQueueAdmission();
        if (idempotencyKey != null) {
            Optional<JobRepository.Keyed> earlier = jobs.findByIdempotencyKey(project, idempotencyKey);
            if (earlier.isPresent()) {
                return repeated(earlier.get(), idempotencyKey, requestHash);
            }
        }
        requireQueueRoom(project);
        UUID id = UUID.randomUUID();
        if (jobs.insert(id, project, complete, idempotencyKey, requestHash)) {
            return new Submission(get(id), true);
        }
        // Only reachable when a key was inserted without the admission lock; kept as a safety net.
        return repeated(jobs.findByIdempotencyKey(project, idempotencyKey).orElseThrow(), idempotencyKey, requestHash);
    }

    /**
     * The spec as a submit would store it, with its defaults filled in; or the 400 a submit would
     * answer with. Sweeps check every trial's spec with this before any is queued.
     */
    public JobSpec complete(UUID project, JobSpec given) {
        Optional<Job> parent = forks.parent(project, given.from());
        JobSpec spec = JobForks.inheritModel(given, parent);
        DataShape shape =
                JobSpecValidator.validate(spec, limits.maxRuntime(), datasets.in(project), networks.in(project));
        return forks.pin(JobSpecDefaults.complete(spec, limits.defaultMaxRuntime(), shape), parent);
    }

    private Submission repeated(JobRepository.Keyed earlier, String idempotencyKey, String requestHash) {
        if (!earlier.requestHash().equals(requestHash)) {
            throw new JobConflictException(
                    "Idempotency-Key '" + idempotencyKey + "' was used for another request (job " + earlier.id() + ")");
        }
        return new Submission(get(earlier.id()), false);
    }

    /**
     * Call with the admission lock held, so the counts cannot change before the caller queues its
     * job: the server's queue, then the project's quotas.
     */
    private void requireQueueRoom(UUID project) {
        if (jobs.countQueued() >= limits.maxQueuedJobs()) {
            throw new QueueFullException(limits.maxQueuedJobs());
        }
        quotas.requireQueueRoom(project);
        quotas.requireStorageLeft(project);
    }

    public Job get(UUID id) {
        return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** The project's jobs, newest first. */
    public JobPage list(UUID project, JobState state, String name, String pageToken, int pageSize) {
        List<FieldError> errors = new ArrayList<>();
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            errors.add(new FieldError("pageSize", "must be between 1 and " + MAX_PAGE_SIZE));
        }
        // No job can have such a name; and PostgreSQL refuses some characters (NUL) outright.
        if (name != null && !JobSpecValidator.NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "is not a valid job name"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        PageToken after = pageToken == null ? null : PageToken.parse(pageToken);
        List<Job> page = jobs.list(
                project,
                state,
                name,
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                pageSize + 1);
        if (page.size() <= pageSize) {
            return new JobPage(page, null);
        }
        Job last = page.get(pageSize - 1);
        return new JobPage(page.subList(0, pageSize), new PageToken(last.createdAt(), last.id()).encode());
    }

    /**
     * Queued: cancelled at once. Running: asked to stop; its worker ends it {@code CANCELLED}.
     * Already cancelling or cancelled: the same answer again. A successful answer always shows
     * {@code CANCELLING} or {@code CANCELLED}: the row stays locked from the decision to the read
     * that answers, so a resume racing this cancel lands wholly before it (and is cancelled) or
     * wholly after it (and the cancel's answer is still the state it left). Without the lock a
     * cancel that found the job {@code CANCELLED} could read it back {@code QUEUED} and answer 200.
     */
    @Transactional
    public Job cancel(UUID id) {
        return cancel(id, null, null);
    }

    /**
     * A cancel with a reason code that the job keeps as its {@code failure} once {@code CANCELLED},
     * such as a sweep's {@code EARLY_STOPPED}; a user's cancel has none.
     */
    @Transactional
    public Job cancel(UUID id, String reason, String message) {
        JobState state = jobs.lockState(id).orElseThrow(() -> new JobNotFoundException(id));
        if (state == JobState.QUEUED || state == JobState.RUNNING) {
            jobs.requestCancel(id, reason, message)
                    .orElseThrow(() -> new IllegalStateException("locked job " + id + " changed state"));
        } else if (state != JobState.CANCELLING && state != JobState.CANCELLED) {
            throw new JobConflictException("Job " + id + " is " + state + " and can no longer be cancelled");
        }
        return get(id);
    }

    /**
     * A failed or cancelled job is queued again and continues from its latest checkpoint. A state
     * conflict is reported before a full queue or quota: waiting would not make that request valid.
     */
    @Transactional
    public Job resume(UUID id) {
        jobs.lockQueueAdmission();
        // Locked like a cancel, so a refusal names the state that was refused.
        jobs.lockState(id).orElseThrow(() -> new JobNotFoundException(id));
        Job job = get(id);
        if (job.state() == JobState.FAILED || job.state() == JobState.CANCELLED) {
            UUID project = jobs.projectOf(id);
            requireQueueRoom(project);
            // Uploads may be deleted while no job is queued or running on them.
            try {
                datasets.in(project).require(job.spec().dataset());
            } catch (InvalidRequestException e) {
                throw new JobConflictException(
                        "Job " + id + " cannot resume: " + e.errors().get(0).message());
            }
        }
        if (jobs.resume(id).isEmpty()) {
            throw new JobConflictException(
                    "Job " + id + " is " + job.state() + "; only FAILED or CANCELLED jobs can be resumed");
        }
        return get(id);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An opaque cursor: the creation time and id of the last job on the previous page. */
    record PageToken(Instant createdAt, UUID id) {

        String encode() {
            long micros = createdAt.getEpochSecond() * 1_000_000 + createdAt.getNano() / 1_000;
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        // Tokens carry a job's creation time; anything outside this range was not made by us, and
        // PostgreSQL would refuse a time before 4713 BC rather than find no job.
        private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

        static PageToken parse(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 2);
                long micros = Long.parseLong(parts[0]);
                Instant createdAt = Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000);
                if (createdAt.isBefore(EARLIEST) || createdAt.isAfter(LATEST)) {
                    throw new IllegalArgumentException("creation time out of range: " + createdAt);
                }
                return new PageToken(createdAt, UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new InvalidRequestException(
                        List.of(new FieldError("pageToken", "is not a token returned by this API")));
            }
        }
    }
}
