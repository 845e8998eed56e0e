package dev.gantry.features;

import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureProbe;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One uploaded feature network: its descriptor, where its module's bytes are, and once validated
 * its outputs' shapes. Never leaves the package: the API answers with {@link FeatureNetworkView}.
 */
@Entity
@Table(name = "feature_networks")
class FeatureNetworkEntry {

    @Id
    private UUID id;

    private UUID projectId;

    private String name;

    @Enumerated(EnumType.STRING)
    private FeatureNetworkState state;

    private String failureReason;

    @JdbcTypeCode(SqlTypes.JSON)
    private FeatureNetworkDescriptor descriptor;

    @JdbcTypeCode(SqlTypes.JSON)
    private List<FeatureProbe> probes = new ArrayList<>();

    private Long parameters;
    private long moduleBytes;
    private String moduleSha256;
    private String moduleKey;
    private String owner;
    private Instant heartbeatAt;
    private Instant createdAt;
    private Instant updatedAt;

    protected FeatureNetworkEntry() {}

    UUID projectId() {
        return projectId;
    }

    /** Stored, to be validated by {@code owner}. */
    FeatureNetworkEntry(
            UUID id,
            UUID projectId,
            FeatureNetworkDescriptor descriptor,
            long bytes,
            String sha256,
            String key,
            String owner,
            Instant now) {
        this.id = id;
        this.projectId = projectId;
        this.name = descriptor.name();
        this.state = FeatureNetworkState.PROCESSING;
        this.descriptor = descriptor;
        this.moduleBytes = bytes;
        this.moduleSha256 = sha256;
        this.moduleKey = key;
        this.owner = owner;
        this.heartbeatAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void ready(List<FeatureProbe> probes, long parameters, Instant now) {
        this.state = FeatureNetworkState.READY;
        this.probes = new ArrayList<>(probes);
        this.parameters = parameters;
        endProcessing(now);
    }

    /** Failed: the reason stays, the object is let go (the caller deletes it when nobody else uses it). */
    void failed(String reason, Instant now) {
        this.state = FeatureNetworkState.FAILED;
        this.failureReason = reason;
        this.moduleKey = null;
        endProcessing(now);
    }

    private void endProcessing(Instant now) {
        this.owner = null;
        this.heartbeatAt = null;
        this.updatedAt = now;
    }

    UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    FeatureNetworkState state() {
        return state;
    }

    String failureReason() {
        return failureReason;
    }

    FeatureNetworkDescriptor descriptor() {
        return descriptor;
    }

    List<FeatureProbe> probes() {
        return probes.stream().map(p -> p.inOrder(descriptor.outputs())).toList();
    }

    Long parameters() {
        return parameters;
    }

    long moduleBytes() {
        return moduleBytes;
    }

    String moduleSha256() {
        return moduleSha256;
    }

    String moduleKey() {
        return moduleKey;
    }

    String owner() {
        return owner;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
