package dev.gantry.training.loss;

import java.math.BigDecimal;

/**
 * One parameter of a term: its name, the kind of value it takes, its default, and the values it
 * may take.
 *
 * @param defaultValue a {@link Double} for a number, a {@link String} for a text; {@code null}
 *     when the parameter is required
 * @param description one line for the catalog the API serves and the README
 */
public record TermParam(String name, Kind kind, Object defaultValue, Rule rule, String description) {

    /** What JSON value a parameter takes. */
    public enum Kind {
        NUMBER("a number"),
        TEXT("a string"),
        WEIGHTS("an object of names to numbers");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** The values a parameter may take; some depend on the discriminator's depth. */
    public enum Rule {
        POSITIVE("> 0"),
        NON_NEGATIVE(">= 0"),
        FLAG("0 or 1"),
        ONE_OR_TWO("1 or 2"),
        LAYER_COUNT("a whole number from 1 to " + LossCatalog.MAX_FEATURE_LAYERS),
        LAYER_INDEX("a whole number: a hidden layer of D from 0, or from -1 counting from the last"),
        FEATURE_NETWORK("the id of a READY feature network (POST /api/v1/feature-networks)"),
        DISTANCE("mse or l1"),
        NETWORK_OUTPUTS("named outputs of the network → weight >= 0, at least one > 0");

        private final String text;

        Rule(String text) {
            this.text = text;
        }

        /** How the rule reads in the catalog. */
        public String text() {
            return text;
        }
    }

    public TermParam {
        if (defaultValue != null
                && !(kind == Kind.NUMBER
                        ? defaultValue instanceof Double
                        : kind == Kind.TEXT && defaultValue instanceof String)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " is not " + kind.text());
        }
    }

    /** A number with a default. */
    public TermParam(String name, double defaultValue, Rule rule, String description) {
        this(name, Kind.NUMBER, defaultValue, rule, description);
    }

    public boolean required() {
        return defaultValue == null;
    }

    /** The default as the README's table writes it: {@code 0.01}, {@code mse}, or {@code required}. */
    public String defaultText() {
        if (defaultValue == null) {
            return "required";
        }
        if (defaultValue instanceof Double d) {
            return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        return defaultValue.toString();
    }

    /**
     * What is wrong with a finite number, or {@code null}.
     *
     * @param discriminatorLayers hidden layers (feature taps) of the configured discriminator; 0
     *     when the model itself is invalid, which its own violation reports
     */
    String problem(double v, int discriminatorLayers) {
        return switch (rule) {
            case POSITIVE -> v > 0 ? null : "must be > 0";
            case NON_NEGATIVE -> v >= 0 ? null : "must be >= 0";
            case FLAG -> v == 0 || v == 1 ? null : "must be 0 or 1";
            case ONE_OR_TWO -> v == 1 || v == 2 ? null : "must be 1 or 2";
            case LAYER_COUNT ->
                v == Math.rint(v) && v >= 1 && v <= LossCatalog.MAX_FEATURE_LAYERS
                        ? null
                        : "must be a whole number between 1 and " + LossCatalog.MAX_FEATURE_LAYERS;
            case LAYER_INDEX -> layerProblem(v, discriminatorLayers);
            case FEATURE_NETWORK, DISTANCE, NETWORK_OUTPUTS ->
                throw new IllegalStateException(rule + " is not numeric");
        };
    }

    /** What is wrong with a text, or {@code null}; the network itself is the term's own check. */
    String problem(String v) {
        return switch (rule) {
            case DISTANCE -> v.equals("mse") || v.equals("l1") ? null : "must be mse or l1";
            case FEATURE_NETWORK -> v.isEmpty() ? "must be the id of a feature network" : null;
            default -> throw new IllegalStateException(rule + " is not a text rule");
        };
    }

    private static String layerProblem(double layer, int n) {
        if (layer != Math.rint(layer)) {
            return "must be a whole number (a hidden layer index)";
        }
        if (n < 1) {
            return null;
        }
        if (layer < -n || layer >= n) {
            return "the discriminator has " + n + " hidden layers: use 0 to " + (n - 1) + ", or -1 to -" + n
                    + " counting from the last";
        }
        return null;
    }
}
