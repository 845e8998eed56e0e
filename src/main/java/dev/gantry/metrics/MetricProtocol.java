package dev.gantry.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How an {@code eval/*} value was measured (the training core's {@code EvaluationProtocol}, as the
 * service stores and serves it). Identified by the SHA-256 of its canonical JSON (properties and
 * parameters sorted by name, nulls written), so equal protocols share one row and one id.
 */
public record MetricProtocol(
        String featureNetworkSha256,
        String featureOutput,
        String resize,
        int generated,
        String referenceSplit,
        int referenceCount,
        String imageFormat,
        SortedMap<String, Integer> parameters) {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public MetricProtocol {
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters == null ? Map.of() : parameters));
    }

    public String json() {
        return CANONICAL.writeValueAsString(this);
    }

    public static MetricProtocol fromJson(String json) {
        return CANONICAL.readValue(json, MetricProtocol.class);
    }

    /** SHA-256 of {@link #json()}, hex. */
    public String id() {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(json().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The properties in which two protocols differ, by name; empty when they are equal. */
    public List<String> differences(MetricProtocol other) {
        List<String> fields = new ArrayList<>();
        if (!Objects.equals(featureNetworkSha256, other.featureNetworkSha256)) {
            fields.add("featureNetworkSha256");
        }
        if (!Objects.equals(featureOutput, other.featureOutput)) {
            fields.add("featureOutput");
        }
        if (!Objects.equals(resize, other.resize)) {
            fields.add("resize");
        }
        if (generated != other.generated) {
            fields.add("generated");
        }
        if (!Objects.equals(referenceSplit, other.referenceSplit)) {
            fields.add("referenceSplit");
        }
        if (referenceCount != other.referenceCount) {
            fields.add("referenceCount");
        }
        if (!Objects.equals(imageFormat, other.imageFormat)) {
            fields.add("imageFormat");
        }
        if (!parameters.equals(other.parameters)) {
            fields.add("parameters");
        }
        return fields;
    }
}
