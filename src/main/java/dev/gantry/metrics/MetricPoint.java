package dev.gantry.metrics;

import java.util.Objects;

/**
 * One value of one metric at one training step, e.g. {@code ("loss/d", 1200, 0.693)}.
 *
 * <p>{@code value} may be NaN or ±Infinity: a diverged run records its loss that way, and
 * PostgreSQL's {@code double precision} stores both, so they are kept rather than dropped. JSON
 * numbers cannot express them, so whoever serializes points must choose a representation on
 * purpose (Jackson's default writes them as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}; a {@code jsonb} column refuses them as numbers).
 *
 * <p>{@code protocol} is how an {@code eval/*} value was measured; {@code null} for other points.
 */
public record MetricPoint(String name, long step, double value, MetricProtocol protocol) {

    public MetricPoint {
        Objects.requireNonNull(name, "name");
    }

    /** A point without a protocol: a loss, a rate, anything but an {@code eval/*} value. */
    public MetricPoint(String name, long step, double value) {
        this(name, step, value, null);
    }
}
