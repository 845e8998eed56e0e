package dev.gantry.training.data;

/** Looks up a built-in dataset by its catalog name. */
public final class SyntheticDatasets {

    private SyntheticDatasets() {}

    public static SyntheticDataset byName(String name) {
        return switch (name) {
            case "ring8" -> GaussianMixture.ring8();
            case "grid25" -> GaussianMixture.grid25();
            case "swissroll" -> new SwissRoll();
            default -> throw new IllegalArgumentException("unknown dataset: " + name);
        };
    }
}
