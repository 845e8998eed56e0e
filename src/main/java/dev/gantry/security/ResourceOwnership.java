package dev.gantry.security;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Which project a job, dataset, feature network or sweep belongs to, if it exists. */
@Component
class ResourceOwnership {

    private final JdbcClient jdbc;

    ResourceOwnership(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UUID> projectOf(ResourceType type, UUID id) {
        String table = switch (type) {
            case JOB -> "jobs";
            case DATASET -> "datasets";
            case FEATURE_NETWORK -> "feature_networks";
            case PROJECT -> "projects";
            case SWEEP -> "sweeps";
            case NONE -> throw new IllegalArgumentException("no resource");
        };
        String column = type == ResourceType.PROJECT ? "id" : "project_id";
        return jdbc.sql("SELECT " + column + " FROM " + table + " WHERE id = :id")
                .param("id", id)
                .query(UUID.class)
                .optional();
    }
}
