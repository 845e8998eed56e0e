package dev.gantry.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.SettableClock;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.Tenants.Tenant;
import dev.gantry.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Keys, roles, expiry, revocation, the audit trail and the operator endpoints, on the real server. */
@GantryIntegrationTest
@Import(ApiKeyTest.Clocks.class)
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyTest {

    private static final String SPEC = "{\"dataset\":\"ring8\",\"training\":{\"steps\":10}}";

    @TestConfiguration
    static class Clocks {
        @Bean
        SettableClock clock() {
            return new SettableClock(Instant.now());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    SettableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Test
    void requests_without_a_usable_key_get_the_same_401_problem() {
        Http none = new Http(port, null);
        Http.Response missing = none.get("/api/v1/jobs");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).isEqualTo("application/problem+json");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(missing.json().get("type").asString()).isEqualTo("urn:gantry:problem:unauthorized");

        String unknown = "gk_" + "A".repeat(43);
        Http.Response wrong = none.withKey(unknown).get("/api/v1/jobs");
        Http.Response malformed = none.withKey("gk_short").get("/api/v1/jobs");
        Http.Response basic = none.get("/api/v1/jobs");
        assertThat(List.of(wrong.status(), malformed.status(), basic.status())).containsOnly(401);
        // Unknown and malformed keys are indistinguishable.
        assertThat(wrong.json()).isEqualTo(malformed.json());
        // Nothing under /api is open, including a path no handler serves.
        assertThat(none.get("/api/v1/nothing-here").status()).isEqualTo(401);
    }

    @Test
    void a_new_key_is_shown_once_stored_as_a_hash_and_listed_by_prefix() {
        Tenant t = Tenants.create(new Http(port), "keys");
        JsonNode created = Tenants.key(t.http(), t.projectId(), "ci", "editor", null);
        String secret = created.get("secret").asString();
        assertThat(secret).matches("gk_[A-Za-z0-9_-]{43}");
        assertThat(created.get("key").get("prefix").asString()).isEqualTo(secret.substring(0, 11));

        String listed = new String(
                t.http().get("/api/v1/projects/" + t.projectId() + "/keys").bytes(), StandardCharsets.UTF_8);
        assertThat(listed).contains(created.get("key").get("id").asString()).doesNotContain(secret);
        String stored = jdbc.sql("SELECT string_agg(k::text, ',') FROM api_keys k")
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain(secret).doesNotContain(secret.substring(11));
    }

    @Test
    void roles_allow_what_they_name_and_nothing_more() {
        Tenant t = Tenants.create(new Http(port), "roles");
        Http viewer = t.http().withKey(t.key("viewer"));
        Http editor = t.http().withKey(t.key("editor"));

        assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(200);
        Http.Response refused = viewer.post("/api/v1/jobs", SPEC);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains("editor");
        assertThat(count("SELECT count(*) FROM jobs WHERE project_id = '" + t.projectId() + "'"))
                .isZero();

        Http.Response submitted = editor.post("/api/v1/jobs", SPEC);
        assertThat(submitted.status()).isEqualTo(201);
        String job = submitted.json().get("id").asString();
        assertThat(viewer.get("/api/v1/jobs/" + job).status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/jobs/" + job + "/cancel", "").status()).isEqualTo(403);
        assertThat(editor.post("/api/v1/jobs/" + job + "/cancel", "").status()).isEqualTo(200);

        // Keys and the trail are the admin's; projects are the owner's.
        assertThat(editor.get("/api/v1/projects/" + t.projectId() + "/keys").status())
                .isEqualTo(403);
        assertThat(editor.get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(t.http().get("/api/v1/projects").status()).isEqualTo(403);
        assertThat(t.http().post("/api/v1/projects", "{\"name\":\"mine\"}").status())
                .isEqualTo(403);
        Http.Response ownerKey =
                t.http().post("/api/v1/projects/" + t.projectId() + "/keys", "{\"name\":\"up\",\"role\":\"owner\"}");
        assertThat(ownerKey.status()).isEqualTo(400);
        assertThat(ownerKey.json().get("errors").get(0).get("field").asString()).isEqualTo("role");
    }

    @Test
    void bad_key_requests_name_the_field_and_store_nothing() {
        Tenant t = Tenants.create(new Http(port), "badkeys");
        long before = count("SELECT count(*) FROM api_keys WHERE project_id = '" + t.projectId() + "'");
        Http.Response bad = t.http()
                .post(
                        "/api/v1/projects/" + t.projectId() + "/keys",
                        "{\"name\":\"\",\"role\":\"superuser\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}");
        assertThat(bad.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        bad.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("name", "role", "expiresAt");
        assertThat(t.http()
                        .post("/api/v1/projects/" + t.projectId() + "/keys", "{\"name\":\"x\",\"role\":5}")
                        .status())
                .isEqualTo(400);
        assertThat(t.http().post("/api/v1/projects", "{\"name\":\"../x\"}").status())
                .isEqualTo(403);
        Http.Response badProject = new Http(port).post("/api/v1/projects", "{\"name\":\"../x\"}");
        assertThat(badProject.status()).isEqualTo(400);
        assertThat(badProject.json().get("errors").get(0).get("field").asString())
                .isEqualTo("name");
        assertThat(count("SELECT count(*) FROM api_keys WHERE project_id = '" + t.projectId() + "'"))
                .isEqualTo(before);
        Http.Response duplicate = new Http(port).post("/api/v1/projects", "{\"name\":\"" + t.name() + "\"}");
        assertThat(duplicate.status()).isEqualTo(409);
    }

    @Test
    void a_revoked_key_is_refused_on_its_next_request() {
        Tenant t = Tenants.create(new Http(port), "revoke");
        JsonNode created = Tenants.key(t.http(), t.projectId(), "leaked", "viewer", null);
        Http leaked = t.http().withKey(created.get("secret").asString());
        assertThat(leaked.get("/api/v1/jobs").status()).isEqualTo(200);

        Http.Response revoked = t.http()
                .delete("/api/v1/projects/" + t.projectId() + "/keys/"
                        + created.get("key").get("id").asString());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
        assertThat(leaked.get("/api/v1/jobs").status()).isEqualTo(401);
    }

    @Test
    void an_expired_key_is_refused_from_its_expiry_on() {
        Tenant t = Tenants.create(new Http(port), "expiry");
        // Sub-microsecond digits on purpose: PostgreSQL rounds them, and rounding up kept the key
        // usable past its expiry until expiries were truncated to microseconds.
        Instant expiry = clock.instant()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plus(Duration.ofHours(1))
                .plusNanos(999_999_600);
        Http key = t.http()
                .withKey(Tenants.key(t.http(), t.projectId(), "short", "viewer", expiry.toString())
                        .get("secret")
                        .asString());
        assertThat(key.get("/api/v1/jobs").status()).isEqualTo(200);
        clock.set(expiry.minusMillis(1));
        assertThat(key.get("/api/v1/jobs").status()).isEqualTo(200);
        clock.set(expiry);
        try {
            assertThat(key.get("/api/v1/jobs").status()).isEqualTo(401);
        } finally {
            clock.set(Instant.now());
        }
    }

    @Test
    void last_used_is_written_at_most_once_a_minute() {
        Tenant t = Tenants.create(new Http(port), "lastused");
        JsonNode created = Tenants.key(t.http(), t.projectId(), "busy", "viewer", null);
        String id = created.get("key").get("id").asString();
        Http key = t.http().withKey(created.get("secret").asString());
        Instant start = clock.instant();

        key.get("/api/v1/jobs");
        Instant first = lastUsed(id);
        assertThat(first).isNotNull();
        clock.advance(Duration.ofSeconds(59));
        key.get("/api/v1/jobs");
        assertThat(lastUsed(id)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(2));
        key.get("/api/v1/jobs");
        assertThat(lastUsed(id)).isAfter(first);
        clock.set(start);
    }

    @Test
    void audit_entries_older_than_the_retention_are_deleted_and_newer_ones_kept() {
        Instant start = clock.instant();
        Tenant t = Tenants.create(new Http(port), "audit-retention");
        String first = t.http().post("/api/v1/jobs", SPEC).json().get("id").asString();
        clock.advance(Duration.ofDays(10));
        String second = t.http().post("/api/v1/jobs", SPEC).json().get("id").asString();
        clock.advance(Duration.ofDays(5));
        try {
            assertThat(targets(t))
                    .anyMatch(target -> target.contains(first))
                    .anyMatch(target -> target.contains(second));

            int pruned = audit.prune(Duration.ofDays(12));

            // The cut is at day 3: the first submit goes, the day-10 submit stays.
            assertThat(targets(t)).singleElement().asString().contains(second);
            assertThat(pruned).isGreaterThanOrEqualTo(1);
            assertThat(audit.prune(Duration.ofDays(12))).isZero();
            assertThat(audit.prune(Duration.ofDays(6))).isZero();
        } finally {
            clock.set(start);
        }
    }

    private static List<String> targets(Tenant t) {
        List<String> out = new ArrayList<>();
        t.http()
                .get("/api/v1/audit")
                .json()
                .get("events")
                .forEach(e -> out.add(e.get("target").asString()));
        return out;
    }

    @Test
    void the_audit_trail_records_mutations_with_key_and_result_but_no_secret(CapturedOutput output) {
        Tenant t = Tenants.create(new Http(port), "audit");
        JsonNode created = Tenants.key(t.http(), t.projectId(), "ci", "editor", null);
        String secret = created.get("secret").asString();
        Http editor = t.http().withKey(secret);
        String job = editor.post("/api/v1/jobs", SPEC).json().get("id").asString();
        editor.post("/api/v1/jobs/" + job + "/cancel", "");
        assertThat(editor.post("/api/v1/jobs/" + job + "/resume", "{}").status())
                .isEqualTo(200);
        // Refused as invalid: a spec that fails validation, and a body that is not JSON.
        assertThat(editor.post("/api/v1/jobs", "{\"dataset\": \"ring8\", \"training\": {\"steps\": -1}}")
                        .status())
                .isEqualTo(400);
        assertThat(editor.post("/api/v1/jobs", "{not json").status()).isEqualTo(400);
        Http.Response viewerRefused = editor.withKey(t.key("viewer")).post("/api/v1/jobs/" + job + "/cancel", "");
        assertThat(viewerRefused.status()).isEqualTo(403);
        t.http()
                .delete("/api/v1/projects/" + t.projectId() + "/keys/"
                        + created.get("key").get("id").asString());
        // Failed attempts with keys that are not ours, in the header and (never to be used) in the URL.
        String wrong = "gk_" + "Z".repeat(43);
        new Http(port, wrong).post("/api/v1/jobs", SPEC);
        new Http(port, null).get("/api/v1/jobs?access_token=" + secret);

        JsonNode audit = t.http().get("/api/v1/audit").json();
        String trail = audit.toString();
        List<String> actions = new ArrayList<>();
        audit.get("events")
                .forEach(e -> actions.add(
                        e.get("action").asString() + " " + e.get("status").asInt()));
        assertThat(actions.stream().filter("POST /api/v1/jobs 400"::equals)).hasSize(2);
        assertThat(actions)
                .contains(
                        "POST /api/v1/jobs 201",
                        "POST /api/v1/jobs 400",
                        "POST /api/v1/jobs/{id}/cancel 200",
                        "POST /api/v1/jobs/{id}/resume 200",
                        "POST /api/v1/jobs/{id}/cancel 403",
                        "DELETE /api/v1/projects/{projectId}/keys/{keyId} 200",
                        "POST /api/v1/projects/{projectId}/keys 201");
        assertThat(trail)
                .contains(job)
                .contains(created.get("key").get("prefix").asString());
        assertThat(trail).doesNotContain(secret).doesNotContain(TestKeys.OWNER);
        assertThat(jdbc.sql("SELECT string_agg(a::text, ',') FROM audit_events a")
                        .query(String.class)
                        .single())
                .doesNotContain(secret)
                .doesNotContain(t.adminKey())
                .doesNotContain(wrong);
        // And nothing the server logged while this went on carries a secret.
        assertThat(output.getAll())
                .doesNotContain(secret)
                .doesNotContain(secret.substring(11))
                .doesNotContain(t.adminKey())
                .doesNotContain(wrong)
                .doesNotContain(TestKeys.OWNER);
    }

    @Test
    void health_is_open_and_the_operator_endpoints_need_an_owner_key() {
        Http none = new Http(port, null);
        assertThat(none.get("/actuator/health").status()).isEqualTo(200);
        assertThat(none.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(none.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(none.get("/actuator/metrics").status()).isEqualTo(401);
        Tenant t = Tenants.create(new Http(port), "operator");
        Http.Response admin = t.http().get("/actuator/prometheus");
        assertThat(admin.status()).isEqualTo(403);
        assertThat(admin.contentType()).startsWith("application/problem+json");
        assertThat(new Http(port).get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void an_admin_reaches_only_its_own_projects_keys() {
        Tenant a = Tenants.create(new Http(port), "ka");
        Tenant b = Tenants.create(new Http(port), "kb");
        Http.Response foreign = b.http().get("/api/v1/projects/" + a.projectId() + "/keys");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(b.http()
                        .post("/api/v1/projects/" + a.projectId() + "/keys", "{\"name\":\"x\",\"role\":\"admin\"}")
                        .status())
                .isEqualTo(404);
        assertThat(b.http()
                        .delete("/api/v1/projects/" + a.projectId() + "/keys/" + a.adminKeyId())
                        .status())
                .isEqualTo(404);
        // A key id of A under B's own project is no key of B's.
        assertThat(b.http()
                        .delete("/api/v1/projects/" + b.projectId() + "/keys/" + a.adminKeyId())
                        .status())
                .isEqualTo(404);
        assertThat(a.http().get("/api/v1/jobs").status()).isEqualTo(200);
        // The owner manages every project's keys.
        assertThat(new Http(port)
                        .get("/api/v1/projects/" + a.projectId() + "/keys")
                        .status())
                .isEqualTo(200);
    }

    private Instant lastUsed(String id) {
        return jdbc.sql("SELECT last_used_at FROM api_keys WHERE id = :id::uuid")
                .param("id", id)
                .query(java.sql.Timestamp.class)
                .optional()
                .map(java.sql.Timestamp::toInstant)
                .orElse(null);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
