package dev.gantry.dataset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One uploaded dataset: the facts about it (shape, classes, hashes, where its bytes are) and, while
 * it is {@code PROCESSING}, its progress. The bytes themselves are objects in the object store,
 * content-addressed, possibly shared with other rows. Never leaves the package: the API answers
 * with {@link DatasetView}.
 */
@Entity
@Table(name = "datasets")
class Dataset {

    @Id
    private UUID id;

    private UUID projectId;

    private String name;
    private String format;

    @Enumerated(EnumType.STRING)
    private DatasetState state;

    private String failureReason;

    @Column(name = "image_count")
    private Integer count;

    private Integer channels;
    private Integer height;
    private Integer width;

    @JdbcTypeCode(SqlTypes.JSON)
    private List<String> classNames = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    private List<Integer> classCounts = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, Integer> skipped = new TreeMap<>();

    private String preprocessing;
    private Long uploadBytes;
    private String uploadSha256;
    private String uploadKey;
    private Long tensorBytes;
    private String tensorSha256;
    private String tensorKey;
    private String phase;
    private long bytesReceived;
    private int itemsProcessed;
    private Integer itemsTotal;
    private String owner;
    private Instant heartbeatAt;
    private Instant createdAt;
    private Instant updatedAt;

    protected Dataset() {}

    UUID projectId() {
        return projectId;
    }

    /** A new upload, receiving its bytes. */
    Dataset(UUID id, UUID projectId, String name, DatasetFormat format, String owner, Instant now) {
        this.id = id;
        this.projectId = projectId;
        this.name = name;
        this.format = format == null ? null : format.id();
        this.state = DatasetState.PROCESSING;
        this.phase = "upload";
        this.owner = owner;
        this.heartbeatAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void received(long bytes, String sha256, String key, DatasetFormat actualFormat, Instant now) {
        this.uploadBytes = bytes;
        this.bytesReceived = bytes;
        this.uploadSha256 = sha256;
        this.uploadKey = key;
        this.format = actualFormat.id();
        this.phase = "decode";
        touch(now);
    }

    void ready(DecodedDataset decoded, String tensorKey, Instant now) {
        this.state = DatasetState.READY;
        this.count = decoded.count();
        this.channels = decoded.channels();
        this.height = decoded.height();
        this.width = decoded.width();
        this.classNames = new ArrayList<>(decoded.classNames());
        this.classCounts = new ArrayList<>(decoded.classCounts());
        this.skipped = new TreeMap<>(decoded.skipped());
        this.preprocessing = decoded.preprocessing();
        this.tensorBytes = decoded.tensorBytes();
        this.tensorSha256 = decoded.tensorSha256();
        this.tensorKey = tensorKey;
        endProcessing(now);
    }

    /**
     * Failed: the reason stays, the objects are let go (the caller deletes the ones nobody else
     * uses). A null {@code skippedSoFar} keeps the counts recorded.
     */
    void failed(String reason, Map<String, Integer> skippedSoFar, Instant now) {
        this.state = DatasetState.FAILED;
        this.failureReason = reason;
        if (skippedSoFar != null) {
            this.skipped = new TreeMap<>(skippedSoFar);
        }
        this.uploadKey = null;
        this.tensorKey = null;
        endProcessing(now);
    }

    private void endProcessing(Instant now) {
        this.phase = null;
        this.owner = null;
        this.heartbeatAt = null;
        touch(now);
    }

    private void touch(Instant now) {
        this.updatedAt = now;
    }

    UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    /** Null while an upload whose format was not declared is still arriving. */
    DatasetFormat format() {
        return format == null ? null : DatasetFormat.parse(format).orElseThrow();
    }

    DatasetState state() {
        return state;
    }

    String failureReason() {
        return failureReason;
    }

    Integer count() {
        return count;
    }

    Integer channels() {
        return channels;
    }

    Integer height() {
        return height;
    }

    Integer width() {
        return width;
    }

    List<String> classNames() {
        return List.copyOf(classNames);
    }

    List<Integer> classCounts() {
        return List.copyOf(classCounts);
    }

    Map<String, Integer> skipped() {
        return new TreeMap<>(skipped);
    }

    String preprocessing() {
        return preprocessing;
    }

    Long uploadBytes() {
        return uploadBytes;
    }

    String uploadSha256() {
        return uploadSha256;
    }

    String uploadKey() {
        return uploadKey;
    }

    Long tensorBytes() {
        return tensorBytes;
    }

    String tensorSha256() {
        return tensorSha256;
    }

    String tensorKey() {
        return tensorKey;
    }

    String phase() {
        return phase;
    }

    long bytesReceived() {
        return bytesReceived;
    }

    int itemsProcessed() {
        return itemsProcessed;
    }

    Integer itemsTotal() {
        return itemsTotal;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
