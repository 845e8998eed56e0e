package dev.gantry.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Projects and keys made through the API with the owner key, for tests that need several tenants. */
public final class Tenants {

    private Tenants() {}

    /** A project, an admin key in it, and a client sending that key. */
    public record Tenant(String projectId, String name, String adminKey, String adminKeyId, Http http) {

        /** A new key of {@code role} in this project, made by its admin. */
        public String key(String role) {
            return Tenants.key(http, projectId, role + "-" + UUID.randomUUID(), role, null)
                    .get("secret")
                    .asString();
        }
    }

    /** @param owner a client with an owner key */
    public static Tenant create(Http owner, String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response project = owner.post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        assertThat(project.status()).as(new String(project.bytes())).isEqualTo(201);
        String projectId = project.json().get("id").asString();
        JsonNode admin = key(owner, projectId, "admin", "admin", null);
        String secret = admin.get("secret").asString();
        return new Tenant(projectId, name, secret, admin.get("key").get("id").asString(), owner.withKey(secret));
    }

    /** The creation answer: {@code key} (the view) and {@code secret}. */
    public static JsonNode key(Http http, String projectId, String name, String role, String expiresAt) {
        String body = "{\"name\":\"" + name + "\",\"role\":\"" + role + "\""
                + (expiresAt == null ? "" : ",\"expiresAt\":\"" + expiresAt + "\"") + "}";
        Http.Response created = http.post("/api/v1/projects/" + projectId + "/keys", body);
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        return created.json();
    }
}
