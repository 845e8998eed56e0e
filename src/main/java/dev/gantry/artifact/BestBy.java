package dev.gantry.artifact;

/**
 * Checkpoints kept for their evaluation: the {@code count} best by the value of {@code metric} at
 * their step, beside the newest ones. Ties go to the earlier step; NaN never ranks.
 *
 * @param metric an {@code eval/*} metric name
 * @param lowerIsBetter {@code min} (FID, KID) rather than {@code max} (precision, recall)
 */
public record BestBy(String metric, boolean lowerIsBetter, int count) {

    /** From the spec's {@code goal}: {@code min} or {@code max}. */
    public static BestBy of(String metric, String goal, int count) {
        return new BestBy(metric, "min".equals(goal), count);
    }
}
