package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.scheduler.ClaimedJob;
import dev.gantry.scheduler.JobClaimer;
import dev.gantry.testsupport.AtOnce;
import dev.gantry.testsupport.DatasetFiles;
import dev.gantry.testsupport.Datasets;
import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Per-project quotas over real HTTP on a real PostgreSQL: set by an owner, read by the project,
 * and enforced on submit, resume, upload and claim. Every test works in projects of its own, so
 * what other tests leave in the database does not matter.
 */
@GantryIntegrationTest
class QuotaApiTest {

    private static final String JOB = "{\"dataset\": \"ring8\", \"training\": {\"steps\": 10}}";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobClaimer claimer;

    @Value("${gantry.data-dir}")
    Path dataDir;

    Http owner;

    @BeforeEach
    void client() {
        owner = new Http(port);
    }

    @Test
    void a_project_reads_its_quotas_and_usage_and_an_owner_sets_and_resets_them() {
        Tenant tenant = Tenants.create(owner, "quota-read");
        submit(tenant, JOB);

        JsonNode defaults = tenant.http().get(quotas(tenant)).json();
        assertThat(defaults.get("projectId").asString()).isEqualTo(tenant.projectId());
        assertThat(defaults.get("queuedJobs").get("limit").asLong()).isEqualTo(1000);
        assertThat(defaults.get("queuedJobs").get("used").asLong()).isEqualTo(1);
        assertThat(defaults.get("queuedJobs").get("serverDefault").asBoolean()).isTrue();
        assertThat(defaults.get("runningJobs").get("used").asLong()).isZero();
        assertThat(defaults.get("storedBytes").get("limit").asLong()).isEqualTo(1L << 40);
        assertThat(defaults.get("storedBytes").get("used").asLong()).isZero();

        Http.Response set =
                owner.put(quotas(tenant), "{\"queuedJobs\": 7, \"runningJobs\": 2, \"storedBytes\": 123456}");
        assertThat(set.status()).as(text(set)).isEqualTo(200);
        JsonNode own = tenant.http().get(quotas(tenant)).json();
        assertThat(own.get("queuedJobs").get("limit").asLong()).isEqualTo(7);
        assertThat(own.get("queuedJobs").get("serverDefault").asBoolean()).isFalse();
        assertThat(own.get("runningJobs").get("limit").asLong()).isEqualTo(2);
        assertThat(own.get("storedBytes").get("limit").asLong()).isEqualTo(123456);

        // PUT replaces: what is left out goes back to the server's default.
        JsonNode reset = owner.put(quotas(tenant), "{\"runningJobs\": 0}").json();
        assertThat(reset.get("queuedJobs").get("limit").asLong()).isEqualTo(1000);
        assertThat(reset.get("queuedJobs").get("serverDefault").asBoolean()).isTrue();
        assertThat(reset.get("runningJobs").get("limit").asLong()).isZero();
        assertThat(reset.get("runningJobs").get("serverDefault").asBoolean()).isFalse();
    }

    @Test
    void only_an_owner_sets_quotas_and_bad_values_are_400s_naming_the_field() {
        Tenant tenant = Tenants.create(owner, "quota-roles");
        Http viewer = tenant.http().withKey(tenant.key("viewer"));

        assertThat(viewer.get(quotas(tenant)).status()).isEqualTo(200);
        Http.Response byViewer = viewer.put(quotas(tenant), "{\"queuedJobs\": 100000}");
        Http.Response byAdmin = tenant.http().put(quotas(tenant), "{\"queuedJobs\": 100000}");
        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(byViewer.contentType()).startsWith("application/problem+json");
        assertThat(byAdmin.status())
                .as("a tenant's admin cannot raise its own quota")
                .isEqualTo(403);
        assertThat(quota(tenant, "queuedJobs").get("serverDefault").asBoolean()).isTrue();

        Http.Response negative = owner.put(quotas(tenant), "{\"queuedJobs\": -1, \"storedBytes\": -5}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("errors").toString()).contains("queuedJobs", "storedBytes");
        assertThat(owner.put(quotas(tenant), "{\"runningJobs\": 1.5}")
                        .json()
                        .get("errors")
                        .toString())
                .contains("runningJobs");
        assertThat(owner.put(quotas(tenant), "{\"queuedJobs\": 99999999999}").status())
                .isEqualTo(400);
        assertThat(owner.put(quotas(tenant), "{\"maxJobs\": 3}")
                        .json()
                        .get("errors")
                        .toString())
                .contains("maxJobs");
        assertThat(owner.put("/api/v1/projects/" + UUID.randomUUID() + "/quotas", "{}")
                        .status())
                .isEqualTo(404);
        assertThat(quota(tenant, "queuedJobs").get("serverDefault").asBoolean())
                .as("nothing was stored by the refused requests")
                .isTrue();
    }

    @Test
    void a_submit_past_the_queued_quota_is_a_429_naming_it_and_another_project_is_unaffected() {
        Tenant full = Tenants.create(owner, "quota-full");
        Tenant other = Tenants.create(owner, "quota-other");
        setQuotas(full, "{\"queuedJobs\": 2}");
        String key = "quota-key-" + UUID.randomUUID();
        Http.Response first = full.http().post("/api/v1/jobs", JOB, Map.of("Idempotency-Key", key));
        assertThat(first.status()).isEqualTo(201);
        submit(full, JOB);

        Http.Response refused = full.http().post("/api/v1/jobs", JOB);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        JsonNode problem = refused.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:gantry:problem:quota-exceeded");
        assertThat(problem.get("quota").asString()).isEqualTo("queuedJobs");
        assertThat(problem.get("limit").asLong()).isEqualTo(2);
        assertThat(problem.get("used").asLong()).isEqualTo(2);
        assertThat(problem.get("detail").asString()).contains("queuedJobs");
        assertThat(jobs(full, "QUEUED")).isEqualTo(2);

        // The first request again: its job, not a 429.
        Http.Response replay = full.http().post("/api/v1/jobs", JOB, Map.of("Idempotency-Key", key));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("id").asString())
                .isEqualTo(first.json().get("id").asString());

        assertThat(other.http().post("/api/v1/jobs", JOB).status()).isEqualTo(201);

        // A job leaves the queue: room for one more.
        full.http().post("/api/v1/jobs/" + first.json().get("id").asString() + "/cancel", null);
        assertThat(full.http().post("/api/v1/jobs", JOB).status()).isEqualTo(201);
    }

    @Test
    void a_resume_past_the_queued_quota_is_a_429_and_leaves_the_job_as_it_was() {
        Tenant tenant = Tenants.create(owner, "quota-resume");
        String cancelled = submit(tenant, JOB);
        tenant.http().post("/api/v1/jobs/" + cancelled + "/cancel", null);
        submit(tenant, JOB);
        setQuotas(tenant, "{\"queuedJobs\": 1}");

        Http.Response refused = tenant.http().post("/api/v1/jobs/" + cancelled + "/resume", null);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("quota").asString()).isEqualTo("queuedJobs");
        JsonNode job = tenant.http().get("/api/v1/jobs/" + cancelled).json();
        assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void concurrent_submits_at_the_quota_boundary_never_pass_it() throws Exception {
        Tenant tenant = Tenants.create(owner, "quota-race");
        setQuotas(tenant, "{\"queuedJobs\": 3}");
        int clients = 12;
        List<Integer> statuses = AtOnce.run(clients, i -> {
            Http own = tenant.http().withKey(tenant.adminKey());
            return () -> own.post("/api/v1/jobs", JOB).status();
        });

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(clients - 3);
        assertThat(jobs(tenant, "QUEUED")).isEqualTo(3);
    }

    @Test
    void the_claimer_keeps_a_project_to_its_running_quota_and_its_other_jobs_queued() {
        Tenant tenant = Tenants.create(owner, "quota-running");
        setQuotas(tenant, "{\"runningJobs\": 1}");
        String a = submit(tenant, JOB);
        String b = submit(tenant, JOB);

        // Whatever else waits in the shared database is claimed too; only this project's jobs count.
        List<UUID> claimed = new ArrayList<>();
        for (Optional<ClaimedJob> job; claimed.size() < 10_000 && (job = claimer.claim("quota-test")).isPresent(); ) {
            claimed.add(job.get().id());
        }

        assertThat(claimed.stream().map(UUID::toString).filter(id -> id.equals(a) || id.equals(b)))
                .hasSize(1);
        assertThat(jobs(tenant, "RUNNING")).isEqualTo(1);
        assertThat(jobs(tenant, "QUEUED")).isEqualTo(1);
        JsonNode running = quota(tenant, "runningJobs");
        assertThat(running.get("used").asLong()).isEqualTo(1);
        assertThat(running.get("limit").asLong()).isEqualTo(1);
    }

    @Test
    void an_upload_past_the_stored_bytes_quota_is_a_409_naming_it_and_keeps_nothing() throws Exception {
        Tenant tenant = Tenants.create(owner, "quota-bytes");
        Tenant other = Tenants.create(owner, "quota-bytes-other");
        JsonNode kept = Datasets.uploadAndWait(
                tenant.http(), "?name=q-kept&format=npy", "application/octet-stream", npy(16, 1));
        assertThat(kept.get("state").asString()).isEqualTo("READY");
        long used = storedBytesUsed(tenant);
        assertThat(used)
                .as("the upload and its decoded tensor")
                .isEqualTo(jdbc.sql("SELECT upload_bytes + tensor_bytes FROM datasets WHERE id = ?::uuid")
                        .param(kept.get("id").asString())
                        .query(Long.class)
                        .single());

        byte[] next = npy(16, 2);
        setQuotas(tenant, "{\"storedBytes\": " + (used + next.length - 1) + "}");
        Set<Path> tempBefore = tempFiles();

        // Declared length: refused before the body is read. Chunked: refused once it has arrived.
        Http.Response declared =
                tenant.http().post("/api/v1/datasets?name=q-over&format=npy", "application/octet-stream", next);
        RawHttp.Response chunked = new RawHttp(port)
                .send(
                        "POST",
                        "/api/v1/datasets?name=q-over&format=npy",
                        Map.of(
                                "Content-Type",
                                "application/octet-stream",
                                "Authorization",
                                "Bearer " + tenant.adminKey()),
                        next,
                        true);

        assertThat(declared.status()).isEqualTo(409);
        assertThat(declared.contentType()).startsWith("application/problem+json");
        assertThat(declared.json().get("quota").asString()).isEqualTo("storedBytes");
        assertThat(declared.json().get("limit").asLong()).isEqualTo(used + next.length - 1);
        assertThat(declared.json().get("used").asLong()).isEqualTo(used);
        assertThat(chunked.status()).as(chunked.text()).isEqualTo(409);
        assertThat(Http.parse(chunked.text()).get("quota").asString()).isEqualTo("storedBytes");
        assertThat(datasetRows(tenant)).isEqualTo(1);
        assertThat(uploadObject(next)).as("no object of the refused upload").doesNotExist();
        assertThat(tempFiles()).as("no temp file left").isSubsetOf(tempBefore);

        // Another project's quota is its own.
        assertThat(Datasets.uploadAndWait(other.http(), "?name=q-other&format=npy", "application/octet-stream", next)
                        .get("state")
                        .asString())
                .isEqualTo("READY");

        // Exactly at the quota fits; once the decoded tensor takes the project past it, new jobs
        // and uploads wait, and so does nothing already running.
        setQuotas(tenant, "{\"storedBytes\": " + (used + next.length) + "}");
        Datasets.uploadAndWait(tenant.http(), "?name=q-fits&format=npy", "application/octet-stream", next);
        assertThat(storedBytesUsed(tenant)).isGreaterThan(used + next.length);
        Http.Response job = tenant.http().post("/api/v1/jobs", JOB);
        assertThat(job.status()).isEqualTo(409);
        assertThat(job.json().get("quota").asString()).isEqualTo("storedBytes");
        Http.Response tiny =
                tenant.http().post("/api/v1/datasets?name=q-tiny&format=npy", "application/octet-stream", npy(1, 3));
        assertThat(tiny.status()).isEqualTo(409);
        assertThat(datasetRows(tenant)).isEqualTo(2);
        assertThat(other.http().post("/api/v1/jobs", JOB).status()).isEqualTo(201);
    }

    @Test
    void concurrent_uploads_that_fit_one_at_a_time_are_admitted_one_at_a_time() throws Exception {
        Tenant tenant = Tenants.create(owner, "quota-upload-race");
        byte[] first = npy(64, 10);
        byte[] second = npy(64, 11);
        // Room for one upload (its tensor comes later), not for two.
        setQuotas(tenant, "{\"storedBytes\": " + (first.length + first.length / 2) + "}");
        List<byte[]> bodies = List.of(first, second);
        // Chunked, so neither is refused on its declared length: both reach the binding check.
        List<RawHttp.Response> answers = AtOnce.run(
                2,
                i -> () -> new RawHttp(port)
                        .send(
                                "POST",
                                "/api/v1/datasets?name=q-race&format=npy",
                                Map.of(
                                        "Content-Type",
                                        "application/octet-stream",
                                        "Authorization",
                                        "Bearer " + tenant.adminKey()),
                                bodies.get(i),
                                true));
        List<Integer> statuses = new ArrayList<>();
        for (RawHttp.Response response : answers) {
            statuses.add(response.status());
            if (response.status() == 201) {
                Datasets.awaitDone(
                        tenant.http(), Http.parse(response.text()).get("id").asString());
            }
        }

        assertThat(statuses).containsExactlyInAnyOrder(201, 409);
        assertThat(datasetRows(tenant)).isEqualTo(1);
        byte[] refused = statuses.get(0) == 409 ? first : second;
        assertThat(uploadObject(refused)).as("no object of the refused upload").doesNotExist();
    }

    private static String quotas(Tenant tenant) {
        return "/api/v1/projects/" + tenant.projectId() + "/quotas";
    }

    private void setQuotas(Tenant tenant, String body) {
        Http.Response set = owner.put(quotas(tenant), body);
        assertThat(set.status()).as(text(set)).isEqualTo(200);
    }

    private static String submit(Tenant tenant, String body) {
        Http.Response created = tenant.http().post("/api/v1/jobs", body);
        assertThat(created.status()).as(text(created)).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private long jobs(Tenant tenant, String state) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE project_id = ?::uuid AND state = ?")
                .params(tenant.projectId(), state)
                .query(Long.class)
                .single();
    }

    private long datasetRows(Tenant tenant) {
        return jdbc.sql("SELECT count(*) FROM datasets WHERE project_id = ?::uuid")
                .param(tenant.projectId())
                .query(Long.class)
                .single();
    }

    private static long storedBytesUsed(Tenant tenant) {
        return quota(tenant, "storedBytes").get("used").asLong();
    }

    /** One quota's view as the project's own admin reads it. */
    private static JsonNode quota(Tenant tenant, String name) {
        return tenant.http().get(quotas(tenant)).json().get(name);
    }

    /** A uint8 NPY of {@code count} 8×8 images, its bytes drawn from {@code seed}: each seed its own content. */
    private static byte[] npy(int count, long seed) {
        byte[] data = new byte[count * 64];
        new Random(seed).nextBytes(data);
        return DatasetFiles.npy("|u1", new long[] {count, 8, 8}, data);
    }

    private Path uploadObject(byte[] upload) throws Exception {
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
        return dataDir.resolve("objects").resolve("datasets/uploads/" + sha256);
    }

    private Set<Path> tempFiles() throws IOException {
        Path folder = dataDir.resolve("tmp").resolve("datasets");
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.collect(Collectors.toSet());
        }
    }

    private static String text(Http.Response response) {
        return new String(response.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
