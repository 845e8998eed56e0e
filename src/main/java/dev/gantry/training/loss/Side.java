package dev.gantry.training.loss;

/** The network a term's loss trains; also the metric prefix, {@code loss/d/…} or {@code loss/g/…}. */
public enum Side {
    DISCRIMINATOR("d"),
    GENERATOR("g");

    private final String metric;

    Side(String metric) {
        this.metric = metric;
    }

    public String metric() {
        return metric;
    }

    /** {@code discriminator} or {@code generator}, as the catalog shows it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
