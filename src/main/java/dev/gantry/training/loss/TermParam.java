package dev.gantry.training.loss;

/**
 * One parameter of a term: its name, its default, and the values it may take.
 *
 * @param description one line for the catalog the API serves and the README
 */
public record TermParam(String name, double defaultValue, Rule rule, String description) {

    /** The values a parameter may take; some depend on the discriminator's depth. */
    public enum Rule {
        POSITIVE("> 0"),
        NON_NEGATIVE(">= 0"),
        FLAG("0 or 1"),
        ONE_OR_TWO("1 or 2"),
        LAYER_COUNT("a whole number from 1 to " + LossCatalog.MAX_FEATURE_LAYERS),
        LAYER_INDEX("a whole number: a hidden layer of D from 0, or from -1 counting from the last");

        private final String text;

        Rule(String text) {
            this.text = text;
        }

        /** How the rule reads in the catalog. */
        public String text() {
            return text;
        }
    }

    /**
     * What is wrong with a finite value, or {@code null}.
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
